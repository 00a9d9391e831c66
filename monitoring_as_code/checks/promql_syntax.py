"""Every rule expression and every panel query parses as PromQL."""
from ..diagnostics import error
from ..promql import parse, substitute_grafana_variables

RULE = "promql/syntax"


def _check(expr, source, what):
    try:
        parse(expr)
    except ValueError as exc:
        yield error(source, RULE, f"{what}: PromQL syntax error: {exc}",
                    "the expression must parse as PromQL; check brackets, quotes and durations")


def check(defs):
    for group in defs.groups:
        for rule in group.rules:
            yield from _check(rule.expr, rule.source, f"{rule.kind} {rule.name}")
    for dashboard in defs.dashboards:
        for panel in dashboard.all_panels():
            for query in panel.queries:
                yield from _check(substitute_grafana_variables(query.expr), query.source,
                                  f"panel {panel.title!r} of dashboard {dashboard.uid}")
