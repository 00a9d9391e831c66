"""The pipeline: load → check → emit. Returns files and problems; the CLI decides what to do."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

from . import diagnostics as diag
from . import lint
from .diagnostics import Diagnostic, has_errors
from .load import Definitions, load


def emitters():
    """(emitters, stack emitters); stack emitters also see the files emitted so far
    (prometheus.yml lists the rule files). Imported on use: parallel.py forks its workers
    before this process needs YAML and the stack."""
    from .emit import (alertmanager, folders, grafana, grafana_alerting, grafana_provisioning, kubernetes, nginx,
                       prometheus_config, prometheus_rules, promtool_tests, sentry)

    return (grafana, folders, prometheus_rules, promtool_tests), (prometheus_config, alertmanager,
                                                                  grafana_provisioning, grafana_alerting, nginx,
                                                                  sentry, kubernetes)


class Refused(Exception):
    """An emitter's writer refused a value (the problems say which)."""

    def __init__(self, problems) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class Result:
    definitions: Definitions
    problems: List[Diagnostic] = field(default_factory=list)
    files: Dict[str, bytes] = field(default_factory=dict)
    # Set when dashboards were compiled in worker processes (definitions then hold none).
    dashboard_count: Optional[int] = None
    # Files worker processes already wrote into the staging folder (not in `files`): path → sha256.
    staged: Dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    @property
    def dashboards(self) -> int:
        return len(self.definitions.dashboards) if self.dashboard_count is None else self.dashboard_count


def emit(defs: Definitions, emitted_elsewhere: Dict[str, bytes] = None, staged: Iterable[str] = ()) -> Dict[str, bytes]:
    """Every output file. emitted_elsewhere: files already made for part of the tree (by
    parallel.py's shards); staged: names of files already written; both are listed in the
    build's README like the rest."""
    from .emit import about

    files = dict(emitted_elsewhere or {})
    per_definition, stack = emitters()
    for emitter in per_definition:
        files.update(emitter.emit(defs))
    refused = []
    for emitter in stack:
        # The writers refuse a value their format cannot hold as written (formats/): lint
        # reports those first, but a rule can be disabled and the writer cannot.
        try:
            files.update(emitter.emit(defs, files))
        except ValueError as exc:
            # A writer that knows which definition it refused says so (exc.source).
            refused.append(diag.error(getattr(exc, "source", None) or defs.stack.source, "emit/refused", str(exc),
                                      getattr(exc, "help", None)
                                      or "the value cannot be written safely; see the lint rules of stack.py"))
    if refused:
        raise Refused(refused)
    files.update(about.emit([*files, *staged, *defs.cache.get("staged", ())]))
    return dict(sorted(files.items()))


def load_config(src: str, grafana: Optional[str] = None, targets: Sequence[str] = ()):
    """[tool.mac], with `mac compile --grafana N` over its `grafana` and `--target T` added
    to its `targets`."""
    import dataclasses

    config = lint.load_config(src)
    if grafana:
        config = dataclasses.replace(config, grafana=grafana)
    if targets:
        config = dataclasses.replace(config, targets=tuple(sorted(set(config.targets) | set(targets))))
    return config


def target(defs: Definitions, config) -> Definitions:
    """The definitions, told which Grafana the output is for."""
    defs.grafana, defs.grafana_alerting = config.grafana, config.grafana_alerting
    defs.targets = config.targets
    return defs


def compile_tree(src: str = ".", debug: bool = False, parallel: bool = False, staging=None,
                 strict: bool = False, grafana: Optional[str] = None, targets: Sequence[str] = ()) -> Result:
    """parallel: on a large tree, compile dashboards on every core (parallel.py); the result
    then holds no Dashboard objects, only their files, problems and count. staging (a
    write.Staging): where those workers may write their files at once (listed in `staged`).
    grafana: the Grafana version to write for, over [tool.mac] grafana."""
    from . import parallel as parallel_
    from .testing.collect import collect

    config = load_config(src, grafana, targets)
    # build/kubernetes/ is made from the compiled dashboards, which parallel workers write
    # straight to disk: a tree with the Kubernetes target compiles in one process.
    if parallel and not debug and "kubernetes" not in config.targets and parallel_.worthwhile(src):
        return parallel_.compile_tree(src, staging, strict=strict, grafana=grafana, targets=targets)

    defs = target(load(src, debug=debug), config)
    defs.tests, test_problems = collect(defs, staging, require_tests=strict or config.require_tests)
    defs.problems.extend(test_problems)
    result = Result(defs, sorted([*config.problems, *lint.run(defs, config)], key=Diagnostic.sort_key))
    if result.ok:
        try:
            result.files = emit(defs)
        except Refused as exc:
            result.problems = sorted([*result.problems, *exc.problems], key=Diagnostic.sort_key)
            return result
        result.staged = dict(sorted(defs.cache.get("staged", {}).items()))
    return result


def check_tree(src: str = ".") -> Result:
    """Load and lint only: what `mac diff` needs of each revision (the definitions, and whether
    they pass lint). Boundary tests are not derived and nothing is emitted: on a tree of
    10,000 alerts that is most of a compile."""
    config = load_config(src)
    defs = target(load(src), config)
    return Result(defs, sorted([*config.problems, *lint.run(defs, config)], key=Diagnostic.sort_key))
