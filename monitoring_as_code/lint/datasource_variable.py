"""Panels query through the dashboard's datasource variable, not a datasource uid copied
from one Grafana (which does not exist in the next)."""
from ..diagnostics import Severity
from ..model.variables import DatasourceVariable

RULE = "dashboard/datasource-variable"
SEVERITY = Severity.ERROR


def check(ctx):
    # Read from the model: a panel's JSON datasource is `${<the variable>}` unless the panel
    # sets `datasource=`, and targets inherit the panel's.
    for dashboard in ctx.dashboards():
        names = {v.name for v in dashboard.variables if isinstance(v, DatasourceVariable)}
        for panel in dashboard.all_panels():
            uid = panel.datasource
            if not uid or (uid.startswith("${") and uid.endswith("}") and uid[2:-1] in names):
                continue
            ctx.report(panel, f"panel {panel.title!r} uses datasource {uid!r} instead of "
                       f"the dashboard's variable ${{{sorted(names)[0] if names else 'datasource'}}}",
                       "drop datasource=...; every panel then follows the datasource picker", (dashboard,))
