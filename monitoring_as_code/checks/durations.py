"""`for`, `keep_firing_for` and group intervals are Prometheus durations."""
from ..diagnostics import error
from ..model.durations import is_duration

RULE = "rule/duration"


def check(defs):
    for group in defs.groups:
        if group.interval is not None and not is_duration(group.interval):
            yield error(group.source, RULE, f"group {group.name}: interval {group.interval!r} is not a duration",
                        "write a Prometheus duration such as 30s, 5m or 1h30m")
        for rule in group.alerts:
            for key in ("for_", "keep_firing_for"):
                value = getattr(rule, key)
                if value is not None and not is_duration(value):
                    yield error(rule.source, RULE,
                                f"alert {rule.name}: {key.rstrip('_')} {value!r} is not a duration",
                                "write a Prometheus duration such as 30s, 5m or 1h30m")
