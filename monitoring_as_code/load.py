"""Stage 1: import the user's definition modules and collect what they define."""
from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.machinery
import importlib.util
import os
import sys
import traceback
import types
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, List, Optional, Tuple

from . import diagnostics as diag
from .model import AlertRule, Dashboard, RecordingRule, RuleGroup
from .model import typecheck
from .model.stack import Stack
from .model.slo import SLO
from .source import Source, definition_roots, display_path

if TYPE_CHECKING:
    from .testing.model import AlertTest

DEFINITION_PACKAGES = ("alerts", "dashboards")
STACK_FILE = "stack.py"
_STACK_MODULE = "mac_stack_definitions"


@dataclass
class Definitions:
    dashboards: Tuple[Dashboard, ...] = ()
    groups: Tuple[RuleGroup, ...] = ()
    tests: Tuple["AlertTest", ...] = ()
    stack: Optional[Stack] = None
    # SLOs as written; their rule groups and dashboards are in groups and dashboards too.
    slos: Tuple[SLO, ...] = ()
    problems: List[diag.Diagnostic] = field(default_factory=list)
    # Work shared by stages (a dashboard's JSON is built once for lint and emit).
    cache: dict = field(default_factory=dict, repr=False)
    # Rule groups compiled alongside but checked elsewhere: a shard of dashboards sees them
    # (recording rules for the metric catalog, alerts for thresholds_from) without linting
    # them again (parallel.py).
    groups_elsewhere: Tuple[RuleGroup, ...] = ()
    # What the output is for ([tool.mac] grafana / grafana_alerting, or `--grafana`): set by
    # the compiler before emitting; the emitters choose the form from it.
    grafana: str = "11"
    grafana_alerting: bool = False

    @property
    def alerts(self) -> Tuple[AlertRule, ...]:
        return tuple(r for g in self.groups for r in g.alerts)

    @property
    def all_groups(self) -> Tuple[RuleGroup, ...]:
        return self.groups + self.groups_elsewhere


def definition_files(src: str) -> List[str]:
    files = []
    for package in DEFINITION_PACKAGES:
        folder = os.path.join(src, package)
        if os.path.isdir(folder):
            files += sorted(
                os.path.join(folder, f) for f in os.listdir(folder)
                if f.endswith(".py") and f != "__init__.py"
            )
    return files


def _purge_user_modules(src: str) -> None:
    """Forget definition modules imported from a previous source tree, so two compiles in
    one process (tests, `mac diff`) never mix definitions."""
    folders = tuple(os.path.join(os.path.abspath(src), p) + os.sep for p in DEFINITION_PACKAGES)
    for name, module in list(sys.modules.items()):
        path = os.path.abspath(getattr(module, "__file__", None) or "")
        if name.split(".")[0] in DEFINITION_PACKAGES or name == _STACK_MODULE or path.startswith(folders):
            del sys.modules[name]


class _Contained:
    """Around the import of one definition module: what it prints goes to stderr (so
    `--format json` stays JSON) and is reported; a change of working directory is undone and
    reported at the line that made it (an audit hook sees os.chdir); the recursion limit is
    restored. Anything the module raises, SystemExit included, is the caller's to report."""

    _active = None  # the _Contained of the import under way, for the audit hook
    _hooked = False

    def __init__(self, path: str, src: str, problems: list) -> None:
        self.path, self.src, self.problems = path, src, problems

    def __enter__(self):
        if not _Contained._hooked:
            sys.addaudithook(_Contained._audit)
            _Contained._hooked = True
        self.cwd = os.getcwd()
        self.limit = sys.getrecursionlimit()
        self.printed = _Tee(sys.stderr)
        self.stdout, sys.stdout = sys.stdout, self.printed
        self.previous, _Contained._active = _Contained._active, self
        return self

    def __exit__(self, *exc) -> None:
        sys.stdout = self.stdout
        _Contained._active = self.previous
        sys.setrecursionlimit(self.limit)
        if os.getcwd() != self.cwd:
            os.chdir(self.cwd)
        if self.printed.count:
            self.problems.append(diag.warning(Source(display_path(self.path), 1), "load/print",
                                              f"{display_path(self.path)} printed {self.printed.count} character(s) "
                                              "while it was imported (shown on stderr)",
                                              "definition modules define objects; print from a script instead"))

    @staticmethod
    def _audit(event: str, args) -> None:
        active = _Contained._active
        if active is None or event != "os.chdir":
            return
        where = _user_frame_of(sys._getframe(1), active.src) or Source(display_path(active.path), 1)
        active.problems.append(diag.error(where, "load/chdir",
                                          f"{display_path(active.path)} changes the working directory (os.chdir)",
                                          "definition modules must not change the process' state; the change "
                                          "was undone"))


class _Tee:
    """stdout for an importing module: written through to stderr, counted."""

    def __init__(self, target) -> None:
        self.target, self.count = target, 0

    def write(self, text: str) -> int:
        self.count += len(text)
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()

    def __getattr__(self, name):
        return getattr(self.target, name)


def _user_frame_of(frame, src: str) -> Source | None:
    src = os.path.abspath(src) + os.sep
    while frame is not None:
        if os.path.abspath(frame.f_code.co_filename).startswith(src):
            return Source(display_path(frame.f_code.co_filename), frame.f_lineno)
        frame = frame.f_back
    return None


def _execute(spec, name: str, path: str, src: str, problems: list, debug: bool):
    """Run a module from its spec, registered as `name`; a failure is a problem at its line."""
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with _Contained(path, src, problems):
            spec.loader.exec_module(module)
    except BaseException as exc:  # anything the user's module raises (SystemExit too) is a problem
        if debug and not isinstance(exc, (SystemExit, KeyboardInterrupt)):
            raise
        sys.modules.pop(name, None)
        problems.append(_import_problem(exc, path, src))
        return None
    return module


def _bind_packages(src: str, problems: list, debug: bool) -> None:
    """Make `alerts` and `dashboards` name the folders in src, whatever else is on sys.path: a
    regular package elsewhere would otherwise win over a folder without __init__.py."""
    importlib.invalidate_caches()
    for package in DEFINITION_PACKAGES:
        folder = os.path.join(src, package)
        init = os.path.join(folder, "__init__.py")
        if os.path.exists(init):
            spec = importlib.util.spec_from_file_location(package, init, submodule_search_locations=[folder])
            _execute(spec, package, init, src, problems, debug)
        else:
            module = types.ModuleType(package)
            module.__path__ = [folder]
            sys.modules[package] = module


def _user_frame(tb, src: str) -> Source | None:
    """The innermost traceback frame in the user's tree: where their code went wrong."""
    src = os.path.abspath(src) + os.sep
    found = None
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename).startswith(src):
            found = Source(display_path(frame.filename), frame.lineno or 0)
    return found


def _import_problem(exc: BaseException, path: str, src: str) -> diag.Diagnostic:
    if isinstance(exc, SyntaxError) and exc.filename:
        where = Source(display_path(exc.filename), exc.lineno or 0)
        return diag.error(where, "load/syntax", f"Python syntax error: {exc.msg}",
                          "fix the syntax; the file could not be imported")
    where = _user_frame(exc.__traceback__, src) or Source(display_path(path), 1)
    if isinstance(exc, SystemExit):
        return diag.error(where, "load/exit", f"{display_path(path)} called exit({exc.code!r}) while it was imported",
                          "definition modules must not exit; raise an exception or remove the call")
    if isinstance(exc, RecursionError):
        return diag.error(where, "load/exception", f"{display_path(path)} recursed too deeply while it was imported",
                          "run with --debug for the full traceback")
    text = str(exc)
    text = text if len(text) <= 300 else text[:300] + "…"
    return diag.error(where, "load/exception",
                      f"{type(exc).__name__} while importing {display_path(path)}: {text}",
                      "run with --debug for the full traceback")


def _assignment_lines(path: str) -> dict:
    """Module-level names and the line that assigns them: the position of objects that
    cannot record their own (grafanalib's)."""
    try:
        tree = ast.parse(open(path, encoding="utf-8").read())
    except (OSError, SyntaxError):
        return {}
    lines = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        for target in targets:
            if isinstance(target, ast.Name):
                lines[target.id] = node.lineno
    return lines


def _grafanalib_dashboard_type():
    """grafanalib's Dashboard class when a definition module has imported grafanalib (no value
    can be one otherwise, and importing grafanalib costs a quarter of a second)."""
    core = sys.modules.get("grafanalib.core")
    return getattr(core, "Dashboard", None)


def _module_values(module):
    for name, value in vars(module).items():
        if name.startswith("__"):
            continue
        if isinstance(value, (list, tuple)):
            for item in value:
                yield name, item
        else:
            yield name, value


def _load_stack(src: str, problems: list, debug: bool) -> Optional[Stack]:
    """stack.py beside alerts/ and dashboards/, when there is one: its one Stack."""
    path = os.path.join(src, STACK_FILE)
    if not os.path.exists(path):
        return None
    module = _execute(importlib.util.spec_from_file_location(_STACK_MODULE, path), _STACK_MODULE, path, src,
                      problems, debug)
    if module is None:
        return None
    stacks = [v for v in vars(module).values() if isinstance(v, Stack)]
    if len(stacks) > 1:
        problems.append(diag.error(stacks[1].source, "stack/one", f"{STACK_FILE} defines {len(stacks)} Stack objects",
                                   "define exactly one Stack"))
    return stacks[0] if stacks else None


def _collect(module, path: str, module_name: str, found: dict, seen: set, problems: list) -> None:
    """Sort what a module defines into found[kind]; each object once, however often imported."""
    from .testing.model import AlertTest

    grafanalib_type = _grafanalib_dashboard_type()
    lines = None
    for name, value in _module_values(module):
        if id(value) in seen:
            continue
        if isinstance(value, Dashboard):
            found["dashboards"].append(value)
        elif isinstance(value, RuleGroup):
            found["groups"].append(value)
        elif isinstance(value, (AlertRule, RecordingRule)):
            found["loose_rules"].append((module_name, value))
        elif isinstance(value, AlertTest):
            found["tests"].append(value)
        elif isinstance(value, SLO):
            found["slos"].append(value)
        elif grafanalib_type is not None and isinstance(value, grafanalib_type):
            from .grafanalib_import import convert
            lines = lines if lines is not None else _assignment_lines(path)
            converted, converted_problems = convert(value, Source(display_path(path), lines.get(name, 1)))
            problems.extend(converted_problems)
            if converted is not None:
                found["dashboards"].append(converted)
        else:
            continue
        seen.add(id(value))


class _SourceLoader(importlib.machinery.SourceFileLoader):
    """Where Python writes no bytecode (PYTHONDONTWRITEBYTECODE, as in CI images), reads a
    definition module in four system calls where importlib's own path takes fourteen (stats,
    a __pycache__ lookup bound to fail, fstat, ioctl, seeks): on a large tree a third of a
    second of kernel time. Elsewhere importlib's path, which caches bytecode, is faster."""

    def get_code(self, fullname):
        if not sys.dont_write_bytecode:
            return super().get_code(fullname)
        fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            chunks = []
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(fd)
        # Bytes, as importlib passes them: compile() honours a coding declaration.
        return compile(b"".join(chunks), self.path, "exec", dont_inherit=True)


def _import_file(name: str, path: str):
    """import `name` (package.module) from `path`, as importlib would: registered in
    sys.modules (removed again if it fails) and set on its package."""
    spec = importlib.util.spec_from_file_location(name, path, loader=_SourceLoader(name, path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    package, _, short = name.rpartition(".")
    if package in sys.modules:
        setattr(sys.modules[package], short, module)
    return module


class Loader:
    """Imports definition modules one by one into the same namespace; finish() sorts what
    they defined into Definitions. Used inside loading(), which sets the namespace up."""

    def __init__(self, src: str, debug: bool) -> None:
        self.src, self.debug = src, debug
        self.problems: List[diag.Diagnostic] = []
        self.found = {"dashboards": [], "groups": [], "loose_rules": [], "tests": [], "slos": []}
        self.seen: set = set()
        self.stack: Optional[Stack] = None

    def add(self, path: str) -> None:
        package, short = os.path.basename(os.path.dirname(path)), os.path.basename(path)[:-3]
        module_name = f"{package}.{short}"
        try:
            with _Contained(path, self.src, self.problems):
                module = sys.modules.get(module_name) or _import_file(module_name, os.path.abspath(path))
        except BaseException as exc:  # anything the user's module raises (SystemExit too) is a problem
            if self.debug and not isinstance(exc, (SystemExit, KeyboardInterrupt)):
                raise
            self.problems.append(_import_problem(exc, path, self.src))
            return
        _collect(module, path, module_name, self.found, self.seen, self.problems)

    def add_stack(self) -> None:
        self.stack = _load_stack(self.src, self.problems, self.debug)

    def finish(self) -> Definitions:
        found = self.found
        defs = Definitions(problems=self.problems, stack=self.stack)
        defs.dashboards = tuple(found["dashboards"])
        defs.groups = tuple(found["groups"])
        defs.tests = tuple(found["tests"])
        # Wrong field types are recorded and reset before anything reads the objects.
        typecheck.check_tree(defs)
        for _, rule in found["loose_rules"]:
            rule.add_type_problems(typecheck.check(rule))
        defs.groups = tuple(found["groups"] + _group_loose_rules(found["loose_rules"], found["groups"]))
        # SLOs: checked like the rest, then compiled into rule groups and dashboards.
        defs.slos = tuple(found["slos"])
        for slo in defs.slos:
            slo.add_type_problems(typecheck.check(slo))
        from .slo import expand
        expand(defs)
        return defs


@contextlib.contextmanager
def loading(src: str, debug: bool = False):
    """A Loader for the tree at src: `alerts` and `dashboards` name its folders, objects record
    their lines, and every definition module is forgotten again on the way out."""
    src = os.path.abspath(src)
    _purge_user_modules(src)
    sys.path.insert(0, src)
    loader = Loader(src, debug)
    try:
        roots = [os.path.join(src, p) + os.sep for p in DEFINITION_PACKAGES] + [os.path.join(src, STACK_FILE)]
        with definition_roots(roots):
            _bind_packages(src, loader.problems, debug)
            yield loader
    finally:
        sys.path.remove(src)
        _purge_user_modules(src)


def load(src: str = ".", debug: bool = False) -> Definitions:
    with loading(src, debug) as loader:
        for path in definition_files(src):
            loader.add(path)
        loader.add_stack()
    return loader.finish()


def _group_loose_rules(loose_rules, groups) -> List[RuleGroup]:
    """Rules defined outside any RuleGroup are grouped by the module that defines them,
    named after it (alerts/node.py → group `node`)."""
    grouped = {id(r) for g in groups for r in g.rules}
    by_file = {}
    for module_name, rule in loose_rules:
        if id(rule) in grouped:
            continue
        home = os.path.splitext(os.path.basename(rule.source.file))[0] if rule.source else module_name
        by_file.setdefault(home, []).append(rule)
    return [RuleGroup(name, tuple(rules), source=rules[0].source) for name, rules in by_file.items()]
