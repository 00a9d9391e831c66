"""Alert names are CamelCase and unique across all groups (routing, silences and tests key on them)."""
import re

from ..diagnostics import Severity

RULE = "alert/name"
SEVERITY = Severity.ERROR
_CAMEL = re.compile(r"^[A-Z][a-zA-Z0-9]*$")


def check(ctx):
    first = {}
    for group, alert in ctx.alerts():
        if not _CAMEL.match(alert.name or ""):
            ctx.report(alert, f"alert name {alert.name!r} is not CamelCase", "name alerts like DiskSpaceLow", (group,))
        if alert.name in first:
            ctx.report(alert, f"alert name {alert.name} is already used at {first[alert.name]}",
                       "give every alert its own name", (group,))
        else:
            first[alert.name] = alert.source
