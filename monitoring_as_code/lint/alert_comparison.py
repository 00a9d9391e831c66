"""An alert expression states a condition: a comparison (at the top, or inside an aggregation
or function: `count(x > 5) > 0`, `sum by (job) (x > 5)`), an absence (`absent(…)`,
`absent_over_time(…)`, or `a unless on(…) b`, which fires for what a has and b lacks), or a
watchdog that fires on purpose (`vector(1)`). Otherwise it fires whenever the query returns a
series, which is rarely what was meant."""
import promql_parser as pp

from ..diagnostics import Severity
from ..promql import COMPARISONS, parse

RULE = "alert/comparison"
SEVERITY = Severity.WARNING
PRESENCE_FUNCTIONS = {"absent", "absent_over_time"}
WATCHDOGS = {"vector"}


def compares(node) -> bool:
    while isinstance(node, (pp.ParenExpr, pp.SubqueryExpr)):
        node = node.expr
    if isinstance(node, pp.BinaryExpr):
        op = str(node.op).strip()
        if op == "unless":
            return True  # what the left side has and the right side lacks: an absence check
        if op == "and":
            return compares(node.lhs) or compares(node.rhs)  # either side may carry the condition
        if op == "or":
            return compares(node.lhs) and compares(node.rhs)  # each branch fires on its own
        if op in COMPARISONS and not (node.modifier is not None and node.modifier.return_bool):
            return True
        return compares(node.lhs) or compares(node.rhs)  # arithmetic on a filtered side
    if isinstance(node, pp.AggregateExpr):
        return compares(node.expr)
    if isinstance(node, pp.Call):
        if node.func.name in PRESENCE_FUNCTIONS or node.func.name in WATCHDOGS:
            return True
        return any(compares(arg) for arg in node.args if not isinstance(arg, (pp.NumberLiteral, pp.StringLiteral)))
    if isinstance(node, pp.MatrixSelector):
        return False
    if isinstance(node, pp.UnaryExpr):
        return compares(node.expr)
    return False


def check(ctx):
    for group, alert in ctx.alerts():
        try:
            node = parse(alert.expr)
        except (ValueError, TypeError):
            continue
        if not compares(node):
            ctx.report(alert, f"alert {alert.name}: the expression does not compare against anything",
                       "write `expr > threshold` (or absent(...)); as it is, every returned series fires", (group,))
