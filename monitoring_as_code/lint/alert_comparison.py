"""An alert expression compares against something (or asks for absence): otherwise it fires
whenever the query returns a series, which is rarely what was meant."""
import promql_parser as pp

from ..diagnostics import Severity
from ..promql import COMPARISONS, parse

RULE = "alert/comparison"
SEVERITY = Severity.WARNING
PRESENCE_FUNCTIONS = {"absent", "absent_over_time"}


def compares(node) -> bool:
    while isinstance(node, pp.ParenExpr):
        node = node.expr
    if isinstance(node, pp.BinaryExpr):
        op = str(node.op).strip()
        if op in ("and", "unless"):
            return compares(node.lhs)
        if op == "or":
            return compares(node.lhs) and compares(node.rhs)
        return op in COMPARISONS and not (node.modifier is not None and node.modifier.return_bool)
    return isinstance(node, pp.Call) and node.func.name in PRESENCE_FUNCTIONS


def check(ctx):
    for group, alert in ctx.alerts():
        try:
            node = parse(alert.expr)
        except ValueError:
            continue
        if not compares(node):
            ctx.report(alert, f"alert {alert.name}: the expression does not compare against anything",
                       "write `expr > threshold` (or absent(...)); as it is, every returned series fires", (group,))
