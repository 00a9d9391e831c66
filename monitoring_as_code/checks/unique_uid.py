"""Dashboard uids are unique: each becomes build/grafana/dashboards/<uid>.json and Grafana's key."""
import re

from ..diagnostics import error

RULE = "dashboard/unique-uid"
_UID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def check(defs):
    first = {}
    for dashboard in defs.dashboards:
        if not _UID.match(dashboard.uid or ""):
            yield error(dashboard.source, RULE, f"dashboard {dashboard.title!r}: uid {dashboard.uid!r} is not valid",
                        "use 1 to 40 letters, digits, '-' or '_'")
        elif dashboard.uid in first:
            yield error(dashboard.source, RULE,
                        f"dashboard uid {dashboard.uid!r} is already used at {first[dashboard.uid]}",
                        "give every dashboard its own uid")
        else:
            first[dashboard.uid] = dashboard.source
