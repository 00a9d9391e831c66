"""Alert names are what Prometheus and mac need: a non-empty string, unique across the tree
(mac's test files, `mac diff` and `thresholds_from` key on it), and usable as a file name
(no `/`, no NUL, not over 200 characters). Style (CamelCase) is the optional rule
alert/name-style."""
from ..diagnostics import Severity

RULE = "alert/name"
SEVERITY = Severity.ERROR
HELP = "give every alert its own name, such as DiskSpaceLow"


def check(ctx):
    first = {}
    for group, alert in ctx.alerts():
        name = alert.name
        if not isinstance(name, str) or not name.strip():
            ctx.report(alert, f"alert name {name!r} is empty", HELP, (group,))
            continue
        if "/" in name or "\x00" in name or not name.isprintable():
            ctx.report(alert, f"alert name {name!r} holds /, NUL or a control character, which mac's test file "
                              "names cannot hold", "use letters, digits, _ and -", (group,))
        elif len(name) > 200:
            ctx.report(alert, f"alert name {name[:20]!r}… is {len(name)} characters long (at most 200)", HELP, (group,))
        if name in first:
            ctx.report(alert, f"alert name {name} is already used at {first[name]}", HELP, (group,))
        else:
            first[name] = alert.source
