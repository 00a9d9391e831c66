"""Optional (enable = ["alert/name-style"]): alert names in CamelCase, like DiskSpaceLow.
Prometheus accepts any name; this is a house style."""
import re

from ..diagnostics import Severity

RULE = "alert/name-style"
SEVERITY = Severity.WARNING
HELP = "name alerts like DiskSpaceLow"
OPTIONAL = True  # runs only when listed under [tool.mac] enable
_CAMEL = re.compile(r"[A-Z][a-zA-Z0-9]*\Z")


def check(ctx):
    for group, alert in ctx.alerts():
        if isinstance(alert.name, str) and not _CAMEL.match(alert.name):
            ctx.report(alert, f"alert name {alert.name!r} is not CamelCase", HELP, (group,))
