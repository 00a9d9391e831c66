"""A panel's `thresholds_from` names a compiled alert with a threshold comparison."""
from ..diagnostics import Severity
from ..thresholds import derive

RULE = "panel/thresholds-from"
SEVERITY = Severity.ERROR


def check(ctx):
    compiled = {id(a) for g in ctx.defs.all_groups for a in g.alerts}
    for dashboard, panel in ctx.panels():
        link = panel.thresholds_from
        if link is None:
            continue
        if id(link.alert) not in compiled:
            ctx.report(link, f"panel {panel.title!r}: thresholds_from alert {link.alert.name} is not in any compiled rule group",
                       "define the alert in alerts/ (or put it in a RuleGroup) so panel and alert stay in step",
                       (panel, dashboard))
            continue
        try:
            derive(link)
        except ValueError as exc:
            ctx.report(link, f"panel {panel.title!r}: {exc}",
                       "thresholds_from needs an alert of the form `expr > N` (or <, <=, >=)", (panel, dashboard))
