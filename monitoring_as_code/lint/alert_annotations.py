"""Alerts explain themselves: a summary, a templated description, and a runbook when critical."""
from ..diagnostics import Severity

RULE = "alert/annotations"
SEVERITY = Severity.WARNING


def check(ctx):
    for group, alert in ctx.alerts():
        owners = (group,)
        if not alert.summary:
            ctx.report(alert, f"alert {alert.name} has no summary", "summary is the notification's subject", owners)
        if not alert.description:
            ctx.report(alert, f"alert {alert.name} has no description",
                       "say what is wrong and how bad, e.g. with {{ $value | humanize }}", owners)
        elif "{{" not in alert.description:
            ctx.report(alert, f"alert {alert.name}: description is not templated",
                       "include {{ $value }} or {{ $labels.instance }} so the message says which and how much", owners)
        if alert.severity == "critical" and not alert.runbook_url:
            ctx.report(alert, f"critical alert {alert.name} has no runbook_url",
                       "whoever is paged needs to know what to do", owners)
