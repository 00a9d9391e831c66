"""Stage 2b: the alert tests to compile: the user's AlertTests plus boundary tests derived
from every threshold alert. Problems point at the rule or test that caused them."""
from __future__ import annotations

import dataclasses
import multiprocessing
import os
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
    alerts = [a for a in defs.alerts if _derivable(a)]
    for alert, generated, failure in _generate(alerts):
        if failure is not None:
            problems.append(diag.error(alert.source, RULE,
                                       f"alert {alert.name}: cannot generate boundary tests: {failure}",
                                       "set boundary=Boundary(fire=…, safe=…), write an AlertTest, "
                                       "or opt out with boundary=False"))
        else:
            tests.extend(generated)
    return tuple(tests), problems


def _derivable(alert) -> bool:
    try:
        promql.parse(alert.expr)
    except ValueError:
        return False  # the syntax check reports it
    return not (alert.for_ and not is_duration(alert.for_))  # so does the duration check


def _one(alert):
    try:
        return boundary_tests(alert), None
    except (CannotDrive, ValueError) as exc:
        return [], str(exc)


# Deriving boundary tests simulates every expression: for large repositories the work is
# split over the cores (fork: workers see the loaded definitions without re-importing them).
PARALLEL_FROM = 200
_work: list = []


def _worker(index: int):
    return _one(_work[index])


def _generate(alerts):
    processes = os.cpu_count() or 1
    if len(alerts) < PARALLEL_FROM or processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for alert in alerts:
            yield (alert, *_one(alert))
        return
    global _work
    _work = alerts
    try:
        with multiprocessing.get_context("fork").Pool(min(processes, 8)) as pool:
            results = pool.map(_worker, range(len(alerts)), chunksize=max(1, len(alerts) // (processes * 8)))
    finally:
        _work = []
    for alert, (generated, failure) in zip(alerts, results):
        # The tests come back with copies of the rule: point them at the loaded one again.
        yield alert, [dataclasses.replace(t, alert=alert) for t in generated], failure
