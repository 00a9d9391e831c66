"""How alert tests become promtool files: one test file per alert, loading a rule file with
only that alert (and the recording rules it reads), one test group per AlertTest and one
promql_expr_test per expectation, numbered so promtool's output maps back to them.

promtool's cost grows with test groups × rules loaded, so loading one alert per file keeps
`mac test` linear in the number of alerts instead of quadratic."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Tuple

from .. import promql
from ..model.durations import format_seconds, seconds
from ..model.rules import AlertRule, RecordingRule
from .model import AlertTest, Expectation

EVALUATE_UNTIL = "mac:evaluate-rules-until-here"


@dataclass(frozen=True)
class Check:
    number: int
    test: AlertTest
    expectation: Expectation
    expr: str


def _matchers(alert: AlertRule, e: Expectation, state: str = "") -> str:
    parts = [f'alertname="{alert.name}"']
    if state:
        parts.append(f'alertstate="{state}"')
    parts += ['{}="{}"'.format(k, v.replace("\\", "\\\\").replace('"', '\\"')) for k, v in e.labels]
    return "ALERTS{" + ", ".join(parts) + "}"


def check_expr(alert: AlertRule, e: Expectation, number: int) -> str:
    if e.state in ("firing", "pending"):
        body = f"max({_matchers(alert, e, e.state)})"
    else:
        selector = _matchers(alert, e, "firing" if e.state == "not_firing" else "")
        width = seconds(e.at) - seconds(e.since)
        body = f"max(max_over_time({selector}[{format_seconds(width)}]))" if width > 0 else f"max({selector})"
    return f"{body} # check {number}"


def checks_of(alert: AlertRule, tests: List[AlertTest]) -> List[Check]:
    out = []
    for test in tests:
        for e in test.expect:
            out.append(Check(len(out) + 1, test, e, check_expr(alert, e, len(out) + 1)))
    return out


def recording_index(groups) -> Dict[str, RecordingRule]:
    return {r.record: r for g in groups for r in g.rules if isinstance(r, RecordingRule)}


def dependencies(alert: AlertRule, groups, by_name: Dict[str, RecordingRule] = None) -> List[RecordingRule]:
    """Recording rules the alert reads, directly or through other recording rules."""
    by_name = recording_index(groups) if by_name is None else by_name
    if not by_name:
        return []
    needed, queue = [], list(promql.metric_names(alert.expr))
    while queue:
        name = queue.pop()
        rule = by_name.get(name)
        if rule is not None and rule not in needed:
            needed.append(rule)
            queue.extend(promql.metric_names(rule.expr))
    order = list(by_name.values())
    return sorted(needed, key=order.index)


def tests_by_alert(defs) -> Dict[str, Tuple[AlertRule, List[AlertTest]]]:
    out: Dict[str, Tuple[AlertRule, List[AlertTest]]] = {}
    for alert in defs.alerts:
        out.setdefault(alert.name, (alert, []))
    for test in defs.tests:
        out[test.alert.name][1].append(test)
    return {name: v for name, v in out.items() if v[1]}


def file_name(alert: AlertRule) -> str:
    return f"{alert.name}.yml"
