"""Sentry settings the SDKs accept: a sample rate from 0 to 1, log levels Python knows."""
import math

from ..diagnostics import Severity

RULE = "stack/sentry"
SEVERITY = Severity.ERROR
HELP = 'see Sentry(...) in the README'
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def check(ctx):
    stack = ctx.defs.stack
    if stack is None or stack.sentry is None:
        return
    s = stack.sentry
    rate = s.traces_sample_rate
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or not 0 <= rate <= 1:
        ctx.report(s, f"Sentry traces_sample_rate {rate!r} is not a number from 0 to 1")
    for name in ("breadcrumb_level", "event_level"):
        if getattr(s, name) not in LEVELS:
            ctx.report(s, f"Sentry {name} {getattr(s, name)!r} is not one of {', '.join(LEVELS)}")
    for name in ("environment", "release"):
        value = getattr(s, name)
        if not isinstance(value, str) or not value.isprintable() or (name == "environment" and not value):
            ctx.report(s, f"Sentry {name} {value!r} is not a printable string")
    if not isinstance(s.send_default_pii, bool):
        ctx.report(s, f"Sentry send_default_pii {s.send_default_pii!r} is not True or False")
