"""Panels query something: an empty panel says "No data" forever."""
from ..diagnostics import Severity

RULE = "panel/has-queries"
SEVERITY = Severity.ERROR


def check(ctx):
    for dashboard, panel in ctx.panels():
        if not panel.queries:
            ctx.report(panel, f"panel {panel.title!r} has no queries", "add queries=[...]", (dashboard,))
