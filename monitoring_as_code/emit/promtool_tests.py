"""promtool unit tests: prometheus/tests/<Alert>.yml and the rule file each one loads."""
from __future__ import annotations

from typing import Dict

from ..model.durations import format_seconds, seconds
from ..testing.layout import EVALUATE_UNTIL, checks_of, dependencies, file_name, recording_index, tests_by_alert
from .prometheus_rules import rule_data
from .yamlout import dump


def emit(defs) -> Dict[str, bytes]:
    files = {}
    group_of = {id(r): g for g in defs.groups for r in g.rules}
    recorded = recording_index(defs.groups)
    # Files rendered already, by the worker that derived the alert's boundary tests (collect).
    rendered = defs.cache.get("promtool_tests", {})
    for key, (alert, tests) in sorted(tests_by_alert(defs).items()):
        done = rendered.get(key)
        files.update(done if done is not None else alert_files(alert, tests, group_of[id(alert)], defs.groups, recorded,
                                                                key))
    return files


def alert_files(alert, tests, group, groups, recorded, key: str) -> Dict[str, bytes]:
    """The test file of one alert and the rule file it loads, named by its key (layout.alert_keys)."""
    rules = [rule_data(r) for r in dependencies(alert, groups, recorded)] + [rule_data(alert)]
    files = {f"prometheus/tests/rules/{file_name(key)}": dump(
        {"groups": [{"name": group.name, "rules": rules}]}, "alerts/*.py (only the rules these tests need)")}
    checks = checks_of(alert, tests)
    test_groups = []
    for test in tests:
        mine = [c for c in checks if c.test is test]
        last = max(seconds(c.expectation.at) for c in mine) if mine else 0
        test_groups.append({
            "name": f"{alert.name} / {test.name}",
            "interval": test.interval,
            "input_series": [{"series": s.selector, "values": s.values} for s in test.series],
            # promtool evaluates rules only up to the last alert_rule_test; this one makes
            # it evaluate until the last check, and asserts nothing itself.
            "alert_rule_test": [{"eval_time": format_seconds(last), "alertname": EVALUATE_UNTIL,
                                 "exp_alerts": []}],
            "promql_expr_test": [
                {"expr": c.expr, "eval_time": c.expectation.at,
                 "exp_samples": [{"labels": "{}", "value": 1}] if c.expectation.state in ("firing", "pending") else []}
                for c in mine
            ],
        })
    # Rules are evaluated as often as the finest test samples (1m, or 30s for `for: 30s`;
    # 5m for an SLO's ticket tiers, whose windows span days).
    evaluation = min((seconds(t.interval) for t in tests), default=60.0)
    files[f"prometheus/tests/{file_name(key)}"] = dump(
        {"rule_files": [f"rules/{file_name(key)}"], "evaluation_interval": format_seconds(evaluation),
         "tests": test_groups},
        "alerts/*.py")
    return files
