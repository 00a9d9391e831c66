"""Panels say what they measure: without a unit, 0.25 could be seconds, ratio or requests."""
from ..diagnostics import Severity

RULE = "panel/unit"
SEVERITY = Severity.WARNING


def check(ctx):
    for dashboard, panel in ctx.panels():
        if not panel.unit:
            ctx.report(panel, f"panel {panel.title!r} has no unit",
                       'set unit= ("percent", "s", "bytes", "reqps", "short" for plain counts …)', (dashboard,))
