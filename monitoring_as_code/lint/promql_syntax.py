"""Every rule expression and every panel query parses as PromQL."""
from ..diagnostics import Severity

RULE = "promql/syntax"
SEVERITY = Severity.ERROR


def check(ctx):
    for e in ctx.expressions():
        if e.error is not None:
            ctx.report(e.source, f"{e.where}: PromQL syntax error: {e.error}",
                       "the expression must parse as PromQL; check brackets, quotes and durations", e.owners)
