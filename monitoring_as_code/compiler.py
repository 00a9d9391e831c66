"""The pipeline: load → check → emit. Returns files and problems; the CLI decides what to do."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from . import lint
from .diagnostics import Diagnostic, has_errors
from .emit import (about, alertmanager, grafana, grafana_provisioning, nginx, prometheus_config, prometheus_rules,
                   promtool_tests, sentry)
from .load import Definitions, load

EMITTERS = (grafana, prometheus_rules, promtool_tests)
# Stack emitters also see the files emitted so far (prometheus.yml lists the rule files).
STACK_EMITTERS = (prometheus_config, alertmanager, grafana_provisioning, nginx, sentry)


@dataclass
class Result:
    definitions: Definitions
    problems: List[Diagnostic] = field(default_factory=list)
    files: Dict[str, bytes] = field(default_factory=dict)
    # Set when dashboards were compiled in worker processes (definitions then hold none).
    dashboard_count: Optional[int] = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    @property
    def dashboards(self) -> int:
        return len(self.definitions.dashboards) if self.dashboard_count is None else self.dashboard_count


def emit(defs: Definitions, emitted_elsewhere: Dict[str, bytes] = None) -> Dict[str, bytes]:
    """Every output file. emitted_elsewhere: files already made for part of the tree (by
    parallel.py's shards), listed in the build's README like the rest."""
    files = dict(emitted_elsewhere or {})
    for emitter in EMITTERS:
        files.update(emitter.emit(defs))
    for emitter in STACK_EMITTERS:
        files.update(emitter.emit(defs, files))
    files.update(about.emit(files))
    return dict(sorted(files.items()))


def compile_tree(src: str = ".", debug: bool = False, parallel: bool = False) -> Result:
    """parallel: on a large tree, compile dashboards on every core (parallel.py); the result
    then holds no Dashboard objects, only their files, problems and count."""
    from . import parallel as parallel_
    from .testing.collect import collect

    if parallel and not debug and parallel_.worthwhile(src):
        return parallel_.compile_tree(src)

    defs = load(src, debug=debug)
    defs.tests, test_problems = collect(defs)
    defs.problems.extend(test_problems)
    result = Result(defs, lint.run(defs, lint.load_config(src)))
    if result.ok:
        result.files = emit(defs)
    return result
