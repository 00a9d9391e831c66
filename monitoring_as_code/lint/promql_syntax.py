"""Every rule expression and every panel query parses as PromQL."""
from ..diagnostics import Severity
from ..locate import syntax_offset

RULE = "promql/syntax"
SEVERITY = Severity.ERROR


def check(ctx):
    for e in ctx.expressions():
        if e.error is not None:
            found = syntax_offset(e.text)
            ctx.report_at(e, found[0] if found else None, found[1] if found else 0,
                          f"{e.where}: PromQL syntax error: {e.error}",
                          "the expression must parse as PromQL; check brackets, quotes and durations")
