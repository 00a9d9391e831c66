"""Panels query something: an empty panel says "No data" forever."""
from ..diagnostics import Severity
from ..model.panels import AlertList, AnnoList, DashList, PluginPanel, Text

# Panels that show something other than query results.
NO_QUERIES = (Text, AlertList, DashList, AnnoList, PluginPanel)

RULE = "panel/has-queries"
SEVERITY = Severity.ERROR


def check(ctx):
    for dashboard, panel in ctx.panels():
        if not panel.queries and not isinstance(panel, NO_QUERIES):
            ctx.report(panel, f"panel {panel.title!r} has no queries", "add queries=[...]", (dashboard,))
