"""The compile of a large tree, on every core: forked workers claim chunks of the dashboard
modules and load, lint, emit and write them, while this process does the rules and the stack
and then claims dashboards too.

Same problems and byte-identical files as compiler.compile_tree's one-process pipeline (a
test holds them to it). Only what needs every dashboard at once (unique uids) is checked
here, from the small summaries the workers send back."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from . import lint
from .diagnostics import Diagnostic
from .emit import grafana
from .lint import dashboard_folder, dashboard_schema, unique_uid
from .load import Definitions, definition_files, loading
from .model.folder import Folder
from .source import Source, display_path

# Below this many dashboard modules a fork costs more than it saves.
PARALLEL_FROM = 100
# Rules that compare dashboards with each other: run here, over every shard's summaries.
TREE_RULES = (unique_uid, dashboard_folder)
SHARD_RULES = tuple(r for r in lint.ALL if r not in TREE_RULES)


@dataclass(frozen=True)
class DashboardSummary:
    """What TREE_RULES read of a dashboard compiled in a worker."""

    uid: str
    title: str
    source: Source
    ignore: Tuple[str, ...]
    folder: Optional[Folder] = None


@dataclass
class ShardResult:
    problems: List[Diagnostic] = field(default_factory=list)
    files: dict = field(default_factory=dict)
    staged: Dict[str, str] = field(default_factory=dict)  # written into the staging folder: path → sha256
    summaries: List[Tuple[int, int, DashboardSummary]] = field(default_factory=list)


def workers() -> int:
    return min(os.cpu_count() or 1, 8)


def worthwhile(src: str) -> bool:
    if workers() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    return len(_dashboard_files(src)) >= PARALLEL_FROM


def _dashboard_files(src: str) -> List[str]:
    folder = os.path.join(os.path.abspath(src), "dashboards") + os.sep
    return [p for p in definition_files(src) if os.path.abspath(p).startswith(folder)]


def _shard(loader, files: List[str], claim, order: dict, config, groups, staging=None,
           known_metrics=None, shared=None) -> ShardResult:
    """In a worker: claim chunks of dashboard modules until none are left; import, lint and
    emit each chunk. Chunks are claimed, not dealt out, so a worker that drew quick modules
    takes more and both finish together."""
    result = ShardResult()
    while True:
        start, stop = claim()
        if start >= len(files):
            return result
        chunk = files[start:stop]
        before, found = len(loader.problems), len(loader.found["dashboards"])
        for path in chunk:
            loader.add(path)
        # A dashboard belongs to the file whose module-level line built it: a module that
        # imports another module's dashboard does not compile it a second time; the owner does.
        # One that names no dashboard module at all stays where it was found.
        own = {display_path(p) for p in chunk}
        dashboards = []
        for d in loader.found["dashboards"][found:]:
            where = getattr(d.source, "file", None)
            if where in own or where not in order:
                dashboards.append(d)
            else:
                loader.seen.discard(id(d))  # so the chunk holding its file still collects it
        del loader.found["dashboards"][found:]
        defs = Definitions(dashboards=tuple(dashboards), problems=loader.problems[before:], groups_elsewhere=groups,
                           grafana=config.grafana, grafana_alerting=config.grafana_alerting)
        defs.cache.update(shared or {})
        ctx = lint.Context(defs, config, catalog=known_metrics)
        known_metrics = ctx.catalog
        problems = lint.run(defs, config, rules=SHARD_RULES, context=ctx)
        result.problems += problems
        if not any(p.severity.value == "error" for p in problems):
            emitted = grafana.emit(defs)
            if staging is None:
                result.files.update(emitted)
            else:  # written here, while the other workers still compute, not after them all
                result.staged.update(staging.write(emitted))
        result.summaries += [(order.get(d.source.file, -1), d.source.line, DashboardSummary(d.uid, d.title, d.source, d.ignore, d.folder))
                             for d in dashboards]


class _Claims:
    """Hands out [start, stop) ranges of the file list to forked workers, in order: large
    ranges first, smaller ones as the list runs out (guided scheduling), so the workers
    finish together without paying a lint pass per module."""

    def __init__(self, total: int, workers: int) -> None:
        self.total, self.workers = total, workers
        self.next = multiprocessing.get_context("fork").Value("i", 0)

    def __call__(self) -> Tuple[int, int]:
        with self.next.get_lock():
            start = self.next.value
            size = max(4, min(64, (self.total - start) // (self.workers * 4)))
            self.next.value = start + size
        return start, start + size


def fork(work) -> Tuple[int, int]:
    """Run work() in a forked child; (pid, fd to read its pickled result or traceback from).
    collect_child() reads it and reaps the child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's stack (nor pytest's)
        os.close(read)
        code = 0
        try:
            try:
                payload = pickle.dumps(("ok", work()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                payload, code = pickle.dumps(("error", traceback.format_exc())), 1
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def collect_child(pid: int, fd: int):
    with os.fdopen(fd, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError(f"mac: a worker process (pid {pid}) died without a result")
    status, value = pickle.loads(data)
    if status != "ok":
        raise RuntimeError(f"mac: a worker process failed:\n{value}")
    return value


def compile_tree(src: str, staging=None, strict: bool = False, grafana=None, targets=()):
    """compiler.compile_tree for large trees (see the module's docstring). With a
    write.Staging, dashboards go straight into it and the result lists them in `staged`."""
    from .compiler import Refused, Result, emit, load_config, target
    from .testing.collect import collect

    config = load_config(src, grafana, targets)
    dashboard_files = _dashboard_files(src)
    order = {display_path(p): i for i, p in enumerate(dashboard_files)}
    shards = workers()
    with loading(src) as loader:
        sharded = set(dashboard_files)
        for path in definition_files(src):
            if path not in sharded:
                loader.add(path)
        loader.add_stack()
        rest = target(loader.finish(), config)
        # Forked with the rule modules loaded, so a dashboard that imports an alert gets the
        # very object the rule group holds. No threads run here, so fork is safe.
        claims = _Claims(len(dashboard_files), shards)

        # Made once here, before the fork, rather than in every worker: the metric catalog and
        # the schema validator (a 460 KB generated module).
        known_metrics = lint.Context(Definitions(groups_elsewhere=rest.groups), config).catalog
        dashboard_schema.prepare()

        from .emit.grafana_target import shared
        stack_facts = shared(rest.stack)

        def shard():
            return _shard(loader, dashboard_files, claims, order, config, rest.groups, staging, known_metrics,
                          stack_facts)

        # One worker per core but this one: it does the rules, their tests and the stack, then
        # claims dashboards too until none are left.
        children = [fork(shard) for _ in range(shards - 1)]
        results = []
        try:
            rest.tests, test_problems = collect(rest, staging, require_tests=strict or config.require_tests)
            rest.problems.extend(test_problems)
            problems = lint.run(rest, config, rules=SHARD_RULES)
            results.append(shard())
        finally:
            results += [collect_child(pid, fd) for pid, fd in children]
    summaries = [DashboardSummary(d.uid, d.title, d.source, d.ignore, d.folder) for d in rest.dashboards]
    summaries += [s for _, _, s in sorted((r for res in results for r in res.summaries), key=lambda r: r[:2])]
    problems += lint.run(Definitions(dashboards=tuple(summaries), stack=rest.stack), config, rules=TREE_RULES)
    from .emit.folders import collect
    rest.cache["folders"] = collect(summaries)
    problems += config.problems
    problems += [p for r in results for p in r.problems]
    result = Result(rest, sorted(problems, key=Diagnostic.sort_key), dashboard_count=len(summaries))
    if result.ok:
        staged = {name: sha for r in results for name, sha in r.staged.items()}
        try:
            result.files = emit(rest, {k: v for r in results for k, v in r.files.items()}, staged)
        except Refused as exc:
            result.problems = sorted([*result.problems, *exc.problems], key=Diagnostic.sort_key)
            return result
        result.staged = dict(sorted({**staged, **rest.cache.get("staged", {})}.items()))
    return result
