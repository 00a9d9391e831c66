"""Stage 2b: the alert tests to compile: the user's AlertTests plus boundary tests derived
from every threshold alert. Problems point at the rule or test that caused them."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
from typing import List, Tuple

from .. import diagnostics as diag
from .. import promql
from ..model.durations import is_duration
from .boundary import boundary_tests
from .inputs import CannotDrive
from .layout import alert_keys, recording_index
from .model import AlertTest

RULE = "test/boundary"


def collect(defs, staging=None, require_tests: bool = False) -> Tuple[Tuple[AlertTest, ...], List[diag.Diagnostic]]:
    """staging (write.Staging): where workers write the promtool files they render; their
    names then go to defs.cache["staged"]. require_tests: an alert mac cannot derive boundary
    tests for is an error (else a warning: the rule itself is fine, it only goes untested)."""
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
    renderer = _Renderer(defs, tests, staging)
    alerts = _reuse(defs, alerts, renderer, staging)
    for alert, generated, failure, files in _generate(alerts, renderer):
        name = renderer.names[id(alert)]
        if isinstance(files, _Staged):  # written into staging: nothing left to emit
            defs.cache.setdefault("promtool_tests", {})[name] = {}
            defs.cache.setdefault("staged", {}).update(files)
            if failure is None and id(alert) in renderer.keys:
                defs.cache.setdefault("test_files", {})[renderer.keys[id(alert)]] = dict(files)
        elif files is not None:
            defs.cache.setdefault("promtool_tests", {})[name] = files
        if failure is not None:
            report = diag.error if require_tests else diag.warning
            problems.append(report(alert.source, RULE, f"alert {alert.name}: cannot generate boundary tests: {failure}",
                                   "set boundary=Boundary(fire=…, safe=…), write an AlertTest, "
                                   "or opt out with boundary=False"))
        else:
            tests.extend(generated)
    return tuple(tests), problems


def _reuse(defs, alerts, renderer, staging):
    """The alerts whose tests must be derived. For the others, `out` already holds their
    promtool files, made from exactly the same inputs by the same mac (staging.previous_tests:
    {key: {path: sha256}}): they are linked into the new tree, not simulated again. Alerts
    with hand-written AlertTests are always derived."""
    if staging is None:
        return alerts
    previous_tests = getattr(staging, "previous_tests", None) or {}
    todo = []
    for alert in alerts:
        if id(alert) in renderer.user_tests:
            todo.append(alert)
            continue
        key = renderer.keys[id(alert)] = renderer.key(alert)
        files = previous_tests.get(key)
        if files and staging.link(files):
            defs.cache.setdefault("promtool_tests", {})[renderer.names[id(alert)]] = {}
            defs.cache.setdefault("staged", {}).update(files)
            defs.cache.setdefault("test_files", {})[key] = dict(files)
        else:
            todo.append(alert)
    return todo


def _derivable(alert) -> bool:
    if not isinstance(alert.expr, str) or not isinstance(alert.name, str):
        return False  # model/type reports it
    try:
        promql.parse(alert.expr)
    except ValueError:
        return False  # the syntax check reports it
    return not (alert.for_ and not is_duration(alert.for_))  # so does the duration check


def _one(alert):
    from ..slo.tests import slo_tests

    try:
        if "_slo" in alert.__dict__:  # a burn-rate alert of an SLO: its tier's tests
            return slo_tests(alert), None
        return boundary_tests(alert), None
    except (CannotDrive, ValueError) as exc:
        return [], str(exc)


class _Staged(dict):
    """{path: sha256} of files a worker wrote into the staging folder."""


class _Renderer:
    """An alert's promtool files (emit/promtool_tests.py), made by the worker that derived its
    tests: YAML is most of what a large tree's compile writes, and this way it is written on
    every core, not after all the workers in this process alone."""

    def __init__(self, defs, user_tests, staging=None) -> None:
        self.staging = staging
        self.groups = defs.groups
        self.group_of = {id(r): g for g in defs.groups for r in g.rules}
        self.names = alert_keys(defs.alerts)  # id(alert) → the name of its test files
        self.user_tests: dict = {}
        for test in user_tests:
            self.user_tests.setdefault(id(test.alert), []).append(test)
        self.recorded = recording_index(self.groups)
        self.keys: dict = {}  # id(alert) → key of what its files are made from

    def key(self, alert) -> str:
        """A digest of everything an alert's generated tests and files are made from: mac's
        code, the rule as written to its rule file, its group, the recording rules it reads."""
        from ..cache import code_digest
        from ..emit.prometheus_rules import rule_data
        from .layout import dependencies

        parts = [code_digest(), rule_data(alert), repr(alert.boundary), self.group_of[id(alert)].name,
                 self.names[id(alert)],
                 [rule_data(r) for r in dependencies(alert, self.groups, self.recorded)]]
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def __call__(self, alert, generated):
        from ..emit.promtool_tests import alert_files

        tests = self.user_tests.get(id(alert), []) + list(generated)
        if not tests:
            # As emit/promtool_tests.py does in one process: no tests, no files (not an
            # empty test file), so every path gives the same tree.
            return {} if self.staging is None else _Staged()
        files = alert_files(alert, tests, self.group_of[id(alert)], self.groups, self.recorded, self.names[id(alert)])
        if self.staging is None:
            return files
        return _Staged(self.staging.write(files))


# Deriving boundary tests simulates every expression: for large repositories the work is
# split over the cores (fork: workers see the loaded definitions without re-importing them).
PARALLEL_FROM = 200
_work: list = []
_render = None


def _worker(index: int):
    alert = _work[index]
    generated, failure = _one(alert)
    return generated, failure, _render(alert, generated) if failure is None else None


def _generate(alerts, render):
    """(alert, its boundary tests, failure or None, its promtool files or None) per alert."""
    processes = os.cpu_count() or 1
    if len(alerts) < PARALLEL_FROM or processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for alert in alerts:
            yield (alert, *_one(alert), None)  # emit renders the files
        return
    global _work, _render
    _work, _render = alerts, render
    try:
        with multiprocessing.get_context("fork").Pool(min(processes, 8)) as pool:
            results = pool.map(_worker, range(len(alerts)), chunksize=max(1, len(alerts) // (processes * 8)))
    finally:
        _work, _render = [], None
    for alert, (generated, failure, files) in zip(alerts, results):
        # The tests come back with copies of the rule: point them at the loaded one again.
        yield alert, [dataclasses.replace(t, alert=alert) for t in generated], failure, files
