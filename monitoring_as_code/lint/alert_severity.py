"""Severity is one Alertmanager routes on: critical, warning or info. An alert with no
severity at all (common in imported rule files) is a warning: mac's routes send it to the
default receiver."""
from ..diagnostics import Severity

RULE = "alert/severity"
SEVERITY = Severity.ERROR
ALLOWED = ("critical", "warning", "info")


def check(ctx):
    for group, alert in ctx.alerts():
        if alert.severity in ALLOWED or not isinstance(alert.severity, str):
            continue  # (a value of the wrong type: model/type reports it)
        if alert.severity:
            ctx.report(alert, f"alert {alert.name}: severity {alert.severity!r} is not critical, warning or info",
                       "notification routes match on these three", (group,))
        else:
            ctx.report(alert, f"alert {alert.name} has no severity: the Alertmanager routes mac writes send it "
                       "to the default receiver", "give it severity= critical, warning or info", (group,),
                       severity=Severity.WARNING)
