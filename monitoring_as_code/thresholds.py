"""One source for thresholds: a panel's steps derived from the alert that watches the same quantity."""
from __future__ import annotations

from typing import Tuple

from . import promql
from .model.panels import Threshold, ThresholdsFrom

SEVERITY_COLORS = {"critical": "red", "warning": "orange", "info": "blue"}
SAFE_COLOR = "green"
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _clean(value: float) -> float:
    # 100 - 0.15 * 100 style arithmetic must not print as 84.99999999999999.
    value = float(f"{value:.12g}")
    return int(value) if value.is_integer() else value


def derive(link: ThresholdsFrom) -> Tuple[Threshold, ...]:
    """Steps for Grafana: the alert colour starts exactly where the alert fires.

    Grafana colours a step from its value upward, so an alert firing above N gives
    [safe, alert from N]; one firing below N gives [alert, safe from N]. The first step is
    Grafana's base step (its value is replaced with -Infinity when Grafana loads it)."""
    rule = link.alert
    found = promql.comparison(rule.expr)
    if found is None or found.op not in _FLIP:
        raise ValueError(f"alert {rule.name} has no threshold comparison (<, <=, >, >= against a number)")
    op, value = found.op, found.value * link.scale
    if link.complement is not None:
        op, value = _FLIP[op], link.complement - value
    alert_color = SEVERITY_COLORS.get(rule.severity, "red")
    if op in (">", ">="):
        return (Threshold(None, SAFE_COLOR), Threshold(_clean(value), alert_color))
    return (Threshold(None, alert_color), Threshold(_clean(value), SAFE_COLOR))

