"""A panel's `thresholds_from` names a compiled alert with a threshold comparison."""
from ..diagnostics import error
from ..thresholds import derive

RULE = "panel/thresholds-from"


def check(defs):
    compiled = {id(a) for a in defs.alerts}
    for dashboard in defs.dashboards:
        for panel in dashboard.all_panels():
            link = panel.thresholds_from
            if link is None:
                continue
            if id(link.alert) not in compiled:
                yield error(link.source, RULE,
                            f"panel {panel.title!r}: thresholds_from alert {link.alert.name} is not in any compiled rule group",
                            "define the alert in alerts/ (or put it in a RuleGroup) so panel and alert stay in step")
                continue
            try:
                derive(link)
            except ValueError as exc:
                yield error(link.source, RULE, f"panel {panel.title!r}: {exc}",
                            "thresholds_from needs an alert of the form `expr > N` (or <, <=, >=)")
