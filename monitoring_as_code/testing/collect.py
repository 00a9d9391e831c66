"""Stage 2b: the alert tests to compile: the user's AlertTests plus boundary tests derived
from every threshold alert. Problems point at the rule or test that caused them."""
from __future__ import annotations

from typing import List, Tuple

from .. import diagnostics as diag
from .. import promql
from ..model.durations import is_duration
from .boundary import boundary_tests
from .inputs import CannotDrive
from .model import AlertTest

RULE = "test/boundary"


def collect(defs) -> Tuple[Tuple[AlertTest, ...], List[diag.Diagnostic]]:
    problems = []
    compiled = {id(a) for a in defs.alerts}
    tests = []
    for test in defs.tests:
        if id(test.alert) not in compiled:
            problems.append(diag.error(test.source, "test/unknown-alert",
                                       f"test {test.name!r}: alert {test.alert.name} is not in any compiled rule group",
                                       "test alerts defined in alerts/"))
        else:
            tests.append(test)
    for alert in defs.alerts:
        try:
            promql.parse(alert.expr)
        except ValueError:
            continue  # the syntax check reports it
        if alert.for_ and not is_duration(alert.for_):
            continue  # so does the duration check
        try:
            tests.extend(boundary_tests(alert))
        except (CannotDrive, ValueError) as exc:
            problems.append(diag.error(alert.source, RULE,
                                       f"alert {alert.name}: cannot generate boundary tests: {exc}",
                                       "set boundary=Boundary(fire=…, safe=…), write an AlertTest, "
                                       "or opt out with boundary=False"))
    return tuple(tests), problems
