"""Severity is one Alertmanager routes on: critical, warning or info."""
from ..diagnostics import Severity

RULE = "alert/severity"
SEVERITY = Severity.ERROR
ALLOWED = ("critical", "warning", "info")


def check(ctx):
    for group, alert in ctx.alerts():
        if alert.severity not in ALLOWED:
            ctx.report(alert, f"alert {alert.name}: severity {alert.severity!r} is not critical, warning or info",
                       "notification routes match on these three", (group,))
