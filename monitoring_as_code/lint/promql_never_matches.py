"""Binary operations whose two sides can never match: `x{job="a"} > 0 and histogram_quantile(
0.9, sum by (le) (…)) < 2` compares label sets that cannot be equal (the right side has no
labels, the left has job), so the expression never returns anything and the alert can never
fire. Reported for rule expressions, with the label that cannot match.

What a side is known to carry (`at_least`) and all it can carry (`possible`, None when
unknown) follow from the expression: equality matchers, `by`/`without`, functions that
drop labels (histogram_quantile drops le), and the `job` and `instance` labels Prometheus
attaches to every scraped series (a metric without `:` in its name is taken to be scraped;
recording rules, named level:metric:operation, may have aggregated them away)."""
from __future__ import annotations

from typing import FrozenSet, Optional, Tuple

import promql_parser as pp

from ..diagnostics import Severity
from ..model import AlertRule, RecordingRule
from ..promql import parse

RULE = "promql/never-matches"
SEVERITY = Severity.WARNING
HELP = "match the sides on the labels both have: `and on (instance) …`, or aggregate them alike"
SCRAPE_LABELS = frozenset({"job", "instance"})
Labels = Tuple[FrozenSet[str], Optional[FrozenSet[str]]]  # (at_least, possible)
SCALAR = None  # a side that is a scalar: no matching


def _op(node) -> str:
    return str(node.op).strip()


def labels(node):
    """(at_least, possible) of a vector expression; SCALAR for scalars."""
    kind = type(node)
    if kind in (pp.ParenExpr, pp.UnaryExpr):
        return labels(node.expr)
    if kind is pp.SubqueryExpr:
        return labels(node.expr)
    if kind in (pp.NumberLiteral, pp.StringLiteral):
        return SCALAR
    if kind is pp.MatrixSelector:
        return labels(node.vector_selector)
    if kind is pp.VectorSelector:
        named = frozenset(m.name for m in node.matchers.matchers
                          if str(m.op).endswith("Equal") and not str(m.op).endswith("NotEqual") and m.value
                          and m.name != "__name__")
        scraped = SCRAPE_LABELS if node.name and ":" not in node.name else frozenset()
        return named | scraped, None
    if kind is pp.AggregateExpr:
        inner = labels(node.expr)
        inner_least, inner_possible = inner if inner is not SCALAR else (frozenset(), frozenset())
        op = _op(node)
        grouping = node.modifier
        if op in ("topk", "bottomk", "limitk", "limit_ratio"):
            return inner_least, inner_possible
        extra = frozenset()
        if op == "count_values" and isinstance(node.param, pp.StringLiteral):
            extra = frozenset({node.param.val})
        if grouping is None:
            return extra, extra
        names = frozenset(grouping.labels)
        if str(grouping.type).endswith("Without"):
            return inner_least - names, None if inner_possible is None else inner_possible - names
        return (inner_least & names) | extra, names | extra
    if kind is pp.Call:
        name = node.func.name
        if name in ("time", "vector", "scalar", "pi"):
            return (frozenset(), frozenset()) if name == "vector" else SCALAR
        vectors = [labels(a) for a in node.args if not isinstance(a, (pp.NumberLiteral, pp.StringLiteral))]
        vectors = [v for v in vectors if v is not SCALAR]
        if not vectors:
            return SCALAR if name != "absent" else (frozenset(), None)
        least, possible = vectors[0]
        if name == "histogram_quantile" or name == "histogram_fraction":
            return least - {"le"}, None if possible is None else possible - {"le"}
        if name in ("label_replace", "label_join"):
            return least, None
        if name in ("absent", "absent_over_time"):
            return frozenset(), None
        return least, possible
    if kind is pp.BinaryExpr:
        left, right = labels(node.lhs), labels(node.rhs)
        if left is SCALAR:
            return right
        if right is SCALAR:
            return left
        if _op(node) == "or":
            possible = None if left[1] is None or right[1] is None else left[1] | right[1]
            return left[0] & right[0], possible
        card = str(node.modifier.card) if node.modifier is not None else ""
        if card.endswith("OneToMany"):  # group_right: the right side's labels, plus some of the left's
            return right[0], None
        if card.endswith("ManyToOne"):  # group_left
            return left[0], None
        return left
    return frozenset(), None


def never_matching(node):
    """(operator, the label that cannot match) of the first such operation."""
    found = []

    def visit(n):
        if isinstance(n, pp.BinaryExpr) and _op(n) != "or":
            left, right = labels(n.lhs), labels(n.rhs)
            if left is not SCALAR and right is not SCALAR:
                modifier = n.modifier
                matching = getattr(modifier, "matching", None) if modifier is not None else None
                on = ignoring = None
                if matching is not None:
                    names = frozenset(matching.labels)
                    if str(matching.type).endswith("Include"):  # on (…)
                        on = names
                    else:
                        ignoring = names
                for a, b in ((left, right), (right, left)):
                    if b[1] is None:
                        continue
                    candidates = a[0] & on if on is not None else a[0] - (ignoring or frozenset())
                    missing = sorted(candidates - b[1])
                    if missing and not found:
                        found.append((_op(n), missing[0]))
        return True

    pp.walk(node, visit)
    return found[0] if found else None


def check(ctx):
    for group in ctx.defs.groups:
        for rule in group.rules:
            if not isinstance(rule, (AlertRule, RecordingRule)) or not isinstance(rule.expr, str):
                continue
            try:
                found = never_matching(parse(rule.expr))
            except (ValueError, TypeError, AttributeError):
                continue
            if found:
                operator, label = found
                ctx.report(rule, f"{rule.kind} {rule.name}: the two sides of `{operator}` can never match: one "
                                 f"always has the label {label}, the other never does", HELP, (group,))
