"""Dashboard uids are valid and unique: each names build/grafana/dashboards/<uid>.json and is Grafana's key."""
import re

from ..diagnostics import Severity

RULE = "dashboard/unique-uid"
SEVERITY = Severity.ERROR
_UID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def check(ctx):
    first = {}
    for dashboard in ctx.defs.dashboards:
        if not _UID.match(dashboard.uid or ""):
            ctx.report(dashboard, f"dashboard {dashboard.title!r}: uid {dashboard.uid!r} is not valid",
                       "use 1 to 40 letters, digits, '-' or '_'")
        elif dashboard.uid in first:
            ctx.report(dashboard, f"dashboard uid {dashboard.uid!r} is already used at {first[dashboard.uid]}",
                       "give every dashboard its own uid")
        else:
            first[dashboard.uid] = dashboard.source
