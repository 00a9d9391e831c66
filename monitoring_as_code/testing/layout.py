"""How alert tests become promtool files: one test file per alert, loading a rule file with
only that alert (and the recording rules it reads), one test group per AlertTest and one
promql_expr_test per expectation, numbered so promtool's output maps back to them.

promtool's cost grows with test groups × rules loaded, so loading one alert per file keeps
`mac test` linear in the number of alerts instead of quadratic."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

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
    parts = [f"alertname={promql.quoted(alert.name)}"]
    if state:
        parts.append(f'alertstate="{state}"')
    parts += [f"{k}={promql.quoted(v)}" for k, v in e.labels]
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


def recording_index(groups) -> Dict[str, List[RecordingRule]]:
    """Recording rules by the name they record; several rules may record one name with other
    labels (every SLO records slo:sli_error:ratio_rate5m, told apart by `slo`)."""
    out: Dict[str, List[RecordingRule]] = {}
    for g in groups:
        for r in g.rules:
            if isinstance(r, RecordingRule):
                out.setdefault(r.record, []).append(r)
    return out


def dependencies(alert: AlertRule, groups, by_name: Dict[str, List[RecordingRule]] = None) -> List[RecordingRule]:
    """Recording rules the alert reads, directly or through other recording rules (every rule
    that records a name it reads), in the order they are defined."""
    by_name = recording_index(groups) if by_name is None else by_name
    if not by_name:
        return []
    needed, queue = [], list(promql.metric_names(alert.expr))
    while queue:
        name = queue.pop()
        for rule in by_name.get(name, ()):
            if not any(rule is n for n in needed):
                needed.append(rule)
                queue.extend(promql.metric_names(rule.expr))
    order = {id(r): i for i, r in enumerate(r for rules in by_name.values() for r in rules)}
    return sorted(needed, key=lambda r: order[id(r)])


def tests_by_alert(defs) -> Dict[str, Tuple[AlertRule, List[AlertTest]]]:
    """{alert key: (alert, its tests)} for alerts with tests; see alert_keys."""
    keys = alert_keys(defs.alerts)
    out: Dict[str, Tuple[AlertRule, List[AlertTest]]] = {}
    for alert in defs.alerts:
        out.setdefault(keys[id(alert)], (alert, []))
    for test in defs.tests:
        key = keys.get(id(test.alert))
        if key is not None:
            out[key][1].append(test)
    return {key: v for key, v in out.items() if v[1]}


_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,119}")


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:8]


def alert_keys(alerts: Sequence[AlertRule]) -> Dict[int, str]:
    """{id(alert): key}: a name for each alert's test files, unique, stable and safe as a file
    name whatever the alert is called. The alert's name where that is all three; a name
    with other characters (`/`, spaces, …) is spelled with `_` and its digest; alerts that
    share a name (a warning and a critical SNMPInterfaceDown) add their severity, or where
    that does not tell them apart, a digest of their labels and expression."""
    def stem(name) -> str:
        name = str(name)
        if _SAFE.fullmatch(name):
            return name
        return re.sub(r"[^A-Za-z0-9_.:-]", "_", name)[:80].lstrip(".") + "-" + _digest(name)

    by_stem: Dict[str, List[AlertRule]] = {}
    for alert in alerts:
        by_stem.setdefault(stem(alert.name), []).append(alert)
    keys = {}
    for base, same in by_stem.items():
        if len(same) == 1:
            keys[id(same[0])] = base
            continue
        severities = [str(a.severity or "") for a in same]
        for alert, severity in zip(same, severities):
            if severities.count(severity) == 1 and _SAFE.fullmatch(severity or "-"):
                keys[id(alert)] = f"{base}.{severity}" if severity else base
            else:
                keys[id(alert)] = f"{base}.{_digest(alert.name, alert.all_labels(), alert.expr)}"
    # An alert literally named like another's key ("A.warning" beside two A) gets a digest too.
    taken: Dict[str, int] = {}
    for alert in alerts:
        key = keys[id(alert)]
        if key in taken and taken[key] != id(alert):
            key = keys[id(alert)] = f"{key}.{_digest(alert.name, alert.all_labels(), alert.expr)}"
        taken[key] = id(alert)
    return keys


def file_name(key: str) -> str:
    return f"{key}.yml"
