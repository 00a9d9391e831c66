"""The pipeline: load → check → emit. Returns files and problems; the CLI decides what to do."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List

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

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def emit(defs: Definitions) -> Dict[str, bytes]:
    files = {}
    for emitter in EMITTERS:
        files.update(emitter.emit(defs))
    for emitter in STACK_EMITTERS:
        files.update(emitter.emit(defs, files))
    files.update(about.emit(files))
    return dict(sorted(files.items()))


def compile_tree(src: str = ".", debug: bool = False) -> Result:
    from .testing.collect import collect

    defs = load(src, debug=debug)
    defs.tests, test_problems = collect(defs)
    defs.problems.extend(test_problems)
    result = Result(defs, lint.run(defs, lint.load_config(src)))
    if result.ok:
        result.files = emit(defs)
    return result
