"""Panels have a title and a description (shown as the ⓘ tooltip): what is plotted and why."""
from ..diagnostics import Severity

RULE = "panel/title-description"
SEVERITY = Severity.WARNING


def check(ctx):
    for dashboard, panel in ctx.panels():
        if not panel.title:
            ctx.report(panel, f"panel without a title in dashboard {dashboard.uid}", "give the panel a title",
                       (dashboard,))
        elif not panel.description:
            ctx.report(panel, f"panel {panel.title!r} has no description",
                       "say what the panel shows and how to read it", (dashboard,))
