"""`for`, `keep_firing_for` and group intervals are Prometheus durations."""
from ..diagnostics import Severity
from ..model.durations import is_duration

RULE = "rule/duration"
SEVERITY = Severity.ERROR
HELP = "write a Prometheus duration such as 30s, 5m or 1h30m"


def check(ctx):
    for group in ctx.defs.groups:
        if group.interval is not None and not is_duration(group.interval):
            ctx.report(group, f"group {group.name}: interval {group.interval!r} is not a duration", HELP)
        for rule in group.alerts:
            for key in ("for_", "keep_firing_for"):
                value = getattr(rule, key)
                if value is not None and not is_duration(value):
                    ctx.report(rule, f"alert {rule.name}: {key.rstrip('_')} {value!r} is not a duration", HELP,
                               (group,))
