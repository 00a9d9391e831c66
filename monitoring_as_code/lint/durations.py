"""`for`, `keep_firing_for`, group intervals and query offsets are Prometheus durations; a
group's query_offset needs Prometheus 2.53 (older ones refuse the rule file)."""
from ..diagnostics import Severity
from ..dialect import at_least
from ..model.durations import is_duration

RULE = "rule/duration"
SEVERITY = Severity.ERROR
HELP = "write a Prometheus duration such as 30s, 5m or 1h30m"


def check(ctx):
    for group in ctx.defs.groups:
        if group.interval is not None and not is_duration(group.interval):
            ctx.report(group, f"group {group.name}: interval {group.interval!r} is not a duration", HELP)
        if group.query_offset is not None:
            if not is_duration(group.query_offset):
                ctx.report(group, f"group {group.name}: query_offset {group.query_offset!r} is not a duration", HELP)
            elif not at_least(ctx.config.prometheus, "2.53"):
                ctx.report(group, f"group {group.name}: query_offset needs Prometheus 2.53 or newer "
                           f"(the target is {ctx.config.prometheus})",
                           'set [tool.mac] prometheus = "2.53" (or newer) if that is what runs these rules')
        for rule in group.alerts:
            for key in ("for_", "keep_firing_for"):
                value = getattr(rule, key)
                if value is not None and not is_duration(value):
                    ctx.report(rule, f"alert {rule.name}: {key.rstrip('_')} {value!r} is not a duration", HELP,
                               (group,))
