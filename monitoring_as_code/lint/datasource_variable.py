"""Panels query through the dashboard's datasource variable, not a datasource uid copied
from one Grafana (which does not exist in the next)."""
import re

from ..diagnostics import Severity
from ..model.variables import DatasourceVariable
from ..options import DataSourceRef


def _variable(uid: str) -> str:
    """The variable a reference names: $x, ${x}, ${x:format} or [[x]] (else "")."""
    m = re.fullmatch(r"\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)\]\]", uid)
    return next((g for g in m.groups() if g), "") if m else ""

RULE = "dashboard/datasource-variable"
SEVERITY = Severity.ERROR


def check(ctx):
    # Read from the model: a panel's JSON datasource is `${<the variable>}` unless the panel
    # sets `datasource=`, and targets inherit the panel's.
    for dashboard in ctx.dashboards():
        names = {v.name for v in dashboard.variables if isinstance(v, DatasourceVariable)}
        for panel in dashboard.all_panels():
            uid = panel.datasource
            if isinstance(uid, DataSourceRef):
                if uid.type in ("grafana", "datasource"):
                    continue  # Grafana's own: annotations and alerts, mixed, the dashboard
                uid = uid.uid
            # None: Grafana's default datasource; "" (mac's default): the dashboard's variable.
            if not uid or _variable(uid) in names or uid in ("-- Mixed --", "-- Dashboard --", "-- Grafana --", "grafana"):
                continue
            ctx.report(panel, f"panel {panel.title!r} uses datasource {uid!r} instead of "
                       f"the dashboard's variable ${{{sorted(names)[0] if names else 'datasource'}}}",
                       "drop datasource=...; every panel then follows the datasource picker", (dashboard,))
