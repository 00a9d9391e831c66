"""Panels query through the dashboard's datasource variable, not a datasource uid copied
from one Grafana (which does not exist in the next)."""
from ..diagnostics import Severity

RULE = "dashboard/datasource-variable"
SEVERITY = Severity.ERROR


def check(ctx):
    for dashboard in ctx.dashboards():
        data = ctx.dashboard_json(dashboard)
        if data is None:
            continue
        names = {v["name"] for v in data["templating"]["list"] if v["type"] == "datasource"}
        by_id = {}
        for item in dashboard.panels:
            for p in (getattr(item, "panels", None) or (item,)):
                by_id.setdefault(p.title, p)
        panels = [p for p in data["panels"] if p["type"] != "row"]
        panels += [c for p in data["panels"] if p["type"] == "row" for c in p.get("panels", [])]
        for panel in panels:
            refs = [panel.get("datasource", {})] + [t["datasource"] for t in panel.get("targets", []) if "datasource" in t]
            bad = sorted({r.get("uid", "") for r in refs if r.get("uid", "")[2:-1] not in names
                          or not r.get("uid", "").startswith("${")})
            if bad:
                model = by_id.get(panel.get("title"), dashboard)
                ctx.report(model, f"panel {panel.get('title')!r} uses datasource {bad[0]!r} instead of "
                           f"the dashboard's variable ${{{sorted(names)[0] if names else 'datasource'}}}",
                           "drop datasource=...; every panel then follows the datasource picker", (dashboard,))
