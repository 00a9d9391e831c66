"""Alert names are what Prometheus and mac need: a non-empty string of printable characters,
not over 200 characters. Alerts may share a name when something tells them apart (the
warning and critical tiers of one alert, as mixins write them: their severity or other
labels, or their expression: cortex-mixin's CortexRolloutStuck watches statefulsets and
deployments); two alerts with the same name, labels and expression are one alert written twice. mac's test
files are named safely from any name (testing/layout.alert_keys). Style (CamelCase) is the
optional rule alert/name-style."""
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
        if "\x00" in name or not name.isprintable():
            ctx.report(alert, f"alert name {name!r} holds a NUL or a control character", "use letters, digits, _ and -",
                       (group,))
        elif len(name) > 200:
            ctx.report(alert, f"alert name {name[:20]!r}… is {len(name)} characters long (at most 200)", HELP, (group,))
        # repr: a field of the wrong type (reported by model/type) must not stop the check
        identity = repr((name, sorted(alert.all_labels().items(), key=repr), alert.expr))
        if identity in first:
            ctx.report(alert, f"alert {name} is written twice: the same labels and expression are at {first[identity]}",
                       "alerts may share a name when their expression, severity or labels differ", (group,))
        else:
            first[identity] = alert.source
