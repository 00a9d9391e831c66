"""Counters are read through rate(), irate() or increase(): a raw counter only ever grows."""
import promql_parser as pp

from ..diagnostics import Severity

RULE = "promql/rate-counter"
SEVERITY = Severity.ERROR
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
# Functions and aggregations for which a raw counter is the right input.
COUNTER_FUNCTIONS = {"rate", "irate", "increase", "resets", "changes", "absent", "absent_over_time",
                     "present_over_time", "count_over_time", "timestamp"}
COUNTING_AGGREGATIONS = {"count", "group"}


def is_counter(name: str, catalog) -> bool:
    kind = catalog.get(name)
    return kind == "counter" if kind is not None else name.endswith(COUNTER_SUFFIXES)


def raw_counters(node, catalog):
    if isinstance(node, pp.Call):
        if node.func.name in COUNTER_FUNCTIONS:
            return
        for arg in node.args:
            yield from raw_counters(arg, catalog)
    elif isinstance(node, pp.AggregateExpr):
        if str(node.op).strip() not in COUNTING_AGGREGATIONS:
            yield from raw_counters(node.expr, catalog)
    elif isinstance(node, pp.BinaryExpr):
        yield from raw_counters(node.lhs, catalog)
        yield from raw_counters(node.rhs, catalog)
    elif isinstance(node, (pp.ParenExpr, pp.UnaryExpr, pp.SubqueryExpr)):
        yield from raw_counters(node.expr, catalog)
    elif isinstance(node, pp.MatrixSelector):
        yield from raw_counters(node.vector_selector, catalog)
    elif isinstance(node, pp.VectorSelector) and node.name and is_counter(node.name, catalog):
        yield node.name


def check(ctx):
    for e in ctx.expressions():
        if e.node is None:
            continue
        for name in dict.fromkeys(raw_counters(e.node, ctx.catalog)):
            ctx.report(e.source, f"{e.where}: counter {name} is used without rate(), irate() or increase()",
                       f"a counter only grows; use rate({name}[5m]) (in dashboards [$__rate_interval])", e.owners)
