"""Dashboards and panels have titles: Grafana lists, searches and links dashboards by them."""
from ..diagnostics import Severity

RULE = "dashboard/title"
SEVERITY = Severity.ERROR
HELP = 'give the dashboard a title'


def check(ctx):
    for dashboard in ctx.defs.dashboards:
        if not isinstance(dashboard.title, str) or not dashboard.title.strip():
            ctx.report(dashboard, f"dashboard {dashboard.uid}: title {dashboard.title!r} is empty",
                       "give the dashboard a title")
        elif not dashboard.title.isprintable():
            ctx.report(dashboard, f"dashboard {dashboard.uid}: title {dashboard.title!r} holds control characters")
