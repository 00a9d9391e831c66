"""build/grafana/provisioning/alerting/rules.yml: the alerts as Grafana-managed rules, in
Grafana's file-provisioning format (pkg/services/provisioning/alerting/rules_types.go:
AlertRuleGroupV1, AlertRuleV1, QueryV1), for every alert with `grafana_managed=True`, or all
of them with [tool.mac] grafana_alerting = true.

Each rule is the alert's own expression split at its comparison, so it fires where the
promtool-tested Prometheus rule fires:

  A  the expression without the comparison, an instant Prometheus query
     (`X > 80 and on() F` queries `(X) and on() F`);
  B  reduce A to its last value (one per series, as the instant query already is);
  C  threshold on B with the alert's operator and number: the condition.

No data is OK (Prometheus fires nothing when the query returns nothing); a failed query keeps
the last state (Prometheus leaves its alerts as they were). `for`, labels and annotations are
the alert's; `$value` in a template becomes `$values.B.Value`, the number it stands for in
Prometheus (Grafana's `$value` is a text of every expression's value).

Grafana reads provisioning values with environment expansion: `$NAME` in a group name,
title, label value or duration would be replaced, so every `$` there is written as `$$`
(annotations and queries are read raw)."""
from __future__ import annotations

import hashlib
import re
from typing import Dict, Optional

from .. import promql
from ..model.durations import is_duration, seconds
from .yamlout import dump

OPERATORS = {">": "gt", "<": "lt", ">=": "gte", "<=": "lte", "==": "eq", "!=": "ne"}
EXPR = {"type": "__expr__", "uid": "__expr__"}
_UID = re.compile(r"[^A-Za-z0-9_-]+")
_VALUE = re.compile(r"\$value(?![A-Za-z0-9_])")


def managed(defs):
    """The alerts written as Grafana rules, by group."""
    out = []
    for group in defs.groups:
        alerts = [a for a in group.alerts if defs.grafana_alerting or getattr(a, "grafana_managed", False)]
        if alerts:
            out.append((group, alerts))
    return out


def _literal(value: str) -> str:
    """A provisioning string value Grafana reads as written (no $ENV expansion)."""
    return value.replace("$", "$$")


def rule_uid(name: str, severity: Optional[str] = None) -> str:
    """Stable, from the alert's name (and severity when two alerts share the name): the name
    itself when it is a valid uid of 40 characters at most, else a readable prefix and a hash."""
    key = name if severity is None else f"{name}-{severity}"
    plain = _UID.sub("-", key).strip("-") or "alert"
    if plain == key and len(key) <= 40:
        return key
    return f"{plain[:31].rstrip('-')}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def interval(group, stack) -> str:
    """Grafana evaluates rule groups on a 10 s clock ([unified_alerting] base interval): the
    group's Prometheus interval rounded down to a multiple of 10 s (at least 10 s), so Grafana
    evaluates at least as often as Prometheus."""
    text = group.interval or (stack.evaluation_interval if stack is not None else "1m")
    every = seconds(text) if is_duration(text) else 60.0
    tens = max(10, int(every // 10) * 10)
    return f"{tens // 60}m" if tens % 60 == 0 else f"{tens}s"


def _template(text: str) -> str:
    return _VALUE.sub("$values.B.Value", text)


def rule_data(alert, title: str, uid: str, stack, _literal=_literal) -> dict:
    found = promql.comparison(alert.expr)
    query = promql.without_comparison(alert.expr)
    if found is None or query is None:
        raise ValueError(f"alert {alert.name} has no comparison with a number to become a Grafana threshold")
    ds_uid = stack.grafana.datasource_uid if stack is not None else "prometheus"
    threshold = int(found.value) if found.value.is_integer() else found.value
    data = [
        {"refId": "A", "relativeTimeRange": {"from": 600, "to": 0}, "datasourceUid": ds_uid,
         "model": {"datasource": {"type": "prometheus", "uid": ds_uid}, "editorMode": "code", "expr": query,
                   "instant": True, "intervalMs": 1000, "maxDataPoints": 43200, "range": False, "refId": "A"}},
        {"refId": "B", "datasourceUid": "__expr__",
         "model": {"datasource": dict(EXPR), "expression": "A", "reducer": "last", "refId": "B", "type": "reduce"}},
        {"refId": "C", "datasourceUid": "__expr__",
         "model": {"conditions": [{"evaluator": {"params": [threshold], "type": OPERATORS[found.op]}}],
                   "datasource": dict(EXPR), "expression": "B", "refId": "C", "type": "threshold"}},
    ]
    out = {"uid": _literal(uid), "title": _literal(title), "condition": "C", "data": data,
           "noDataState": "OK", "execErrState": "KeepLast", "for": _literal(alert.for_ or "0s")}
    if alert.keep_firing_for:
        out["keepFiringFor"] = _literal(alert.keep_firing_for)
    annotations = {k: _template(v) for k, v in alert.all_annotations().items()}
    if annotations:
        out["annotations"] = annotations
    labels = {_literal(k): _literal(v) for k, v in alert.all_labels().items()}
    if labels:
        out["labels"] = labels
    settings = notification_settings(alert, stack, _literal)
    if settings:
        out["notification_settings"] = settings
    return out


def notification_settings(alert, stack, _literal=_literal) -> Optional[dict]:
    """To the e-mail contact point mac provisions, grouped and timed as the Alertmanager
    route for the alert's severity."""
    if stack is None or stack.alertmanager.email is None:
        return None
    am = stack.alertmanager
    group_by = ["alertname", "grafana_folder"] + [l for l in am.group_by if l not in ("alertname", "grafana_folder")]
    out = {"receiver": "email", "group_by": [_literal(l) for l in group_by]}
    route = next((r for r in am.routes if r.severity == alert.severity), None)
    if route is not None:
        out.update(group_wait=route.group_wait, group_interval=route.group_interval,
                   repeat_interval=route.repeat_interval)
    return out


def rules_data(defs, literal=_literal) -> dict:
    """literal: how a value Grafana would env-expand is written (`$$` in provisioning files;
    as it is where the rules reach Grafana through its API, as grafana-operator sends them)."""
    stack = defs.stack
    folder = stack.grafana.folder if stack is not None else "mac"
    groups = managed(defs)
    everything = [a for _, alerts in groups for a in alerts]
    names = {}
    for alert in everything:
        names[alert.name] = names.get(alert.name, 0) + 1
    # Grafana wants titles unique in a folder: alerts that share a name (a warning and a
    # critical one) are told apart by severity, as `mac test` names them.
    out = []
    for group, alerts in groups:
        rules = []
        for alert in alerts:
            shared = names[alert.name] > 1
            title = f"{alert.name} ({alert.severity})" if shared else alert.name
            rules.append(rule_data(alert, title, rule_uid(alert.name, alert.severity if shared else None), stack, literal))
        out.append({"orgId": 1, "name": literal(group.name), "folder": literal(folder),
                    "interval": interval(group, stack), "rules": rules})
    return {"apiVersion": 1, "groups": out}


def emit(defs, files=None) -> Dict[str, bytes]:
    if not managed(defs):
        return {}
    return {"grafana/provisioning/alerting/rules.yml": dump(rules_data(defs), "alerts/*.py")}
