"""Alerts wait before firing: without `for`, one bad scrape pages someone."""
from ..diagnostics import Severity
from ..model.durations import is_duration, seconds

RULE = "alert/for"
SEVERITY = Severity.WARNING


def check(ctx):
    for group, alert in ctx.alerts():
        if alert.allow_no_for:
            continue
        if not alert.for_ or (is_duration(alert.for_) and seconds(alert.for_) == 0):
            ctx.report(alert, f"alert {alert.name} has no `for`: it fires on the first evaluation that matches",
                       'add for_="5m" (or allow_no_for=True if it must fire at once)', (group,))
