"""What to feed an alert expression: its input series, found by reading the expression.

Every selector becomes one synthetic series carrying the labels the expression needs (its own
matchers, and the labels named in by/on/ignoring clauses). One of them, the *knob*, is driven
to move the compared value; the others hold steady values, and series behind `and` are set so
the filter passes. Counters grow from 0 (so rate() is exact once its window is full) and
histograms are built to have a chosen quantile."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import promql_parser as pp

from ..contract import histogram_buckets
from ..dialect import prepare
from .engine import Labels, labels_of, matches
from .values import number, run

STEP = 60.0
DEFAULT_GAUGE = 1000.0
DEFAULT_RATE = 1.0
COUNTER_FUNCTIONS = ("rate", "irate", "increase")


class CannotDrive(Exception):
    """mac cannot work out input series for this expression by itself."""


@dataclass
class Leaf:
    """One selector of the expression and how it is fed."""

    selector: object  # pp.VectorSelector
    kind: str  # "gauge", "counter" or "histogram"
    role: str  # "knob", "steady" or "filter"
    value: float = 0.0  # gauge value, counter rate per second, or histogram quantile value
    quantile: float = 0.5


@dataclass
class Plan:
    expr: object
    leaves: List[Leaf] = field(default_factory=list)
    grouping: Tuple[str, ...] = ()
    window: float = 0.0  # the longest range in the expression, seconds

    @property
    def knob(self) -> Leaf:
        return next(leaf for leaf in self.leaves if leaf.role == "knob")


def _range_seconds(node) -> float:
    widest = 0.0

    def visit(n):
        nonlocal widest
        if isinstance(n, pp.MatrixSelector):
            widest = max(widest, n.range.total_seconds())
        if isinstance(n, pp.SubqueryExpr):
            raise CannotDrive("subqueries")
        return True

    pp.walk(node, visit)
    return widest


def _grouping_labels(node) -> Tuple[str, ...]:
    names = set()

    def visit(n):
        if isinstance(n, pp.AggregateExpr) and n.modifier is not None:
            names.update(n.modifier.labels)
        if isinstance(n, pp.BinaryExpr) and n.modifier is not None and n.modifier.matching is not None:
            names.update(n.modifier.matching.labels)
        return True

    pp.walk(node, visit)
    names.discard("le")
    return tuple(sorted(names))


def _leaves(node, role: str, context: str, out: List[Leaf], quantile: float = 0.5) -> None:
    """Selectors in source order, each with the role and kind its position gives it."""
    if isinstance(node, pp.ParenExpr):
        _leaves(node.expr, role, context, out, quantile)
    elif isinstance(node, pp.UnaryExpr):
        _leaves(node.expr, role, context, out, quantile)
    elif isinstance(node, pp.AggregateExpr):
        if node.param is not None and not isinstance(node.param, pp.NumberLiteral):
            raise CannotDrive(f"aggregation {node.op} with a parameter")
        _leaves(node.expr, role, context, out, quantile)
    elif isinstance(node, pp.BinaryExpr):
        op = str(node.op).strip()
        _leaves(node.lhs, role, context, out, quantile)
        if op == "unless":
            return  # its right side must be empty: feed nothing
        _leaves(node.rhs, "filter" if op == "and" else role, context, out, quantile)
    elif isinstance(node, pp.Call):
        name = node.func.name
        if name == "histogram_quantile":
            q = node.args[0]
            if not isinstance(q, pp.NumberLiteral):
                raise CannotDrive("histogram_quantile with a computed quantile")
            _leaves(node.args[1], role, "histogram", out, float(q.val))
        elif name in COUNTER_FUNCTIONS:
            _leaves(node.args[0], role, "histogram" if context == "histogram" else "counter", out, quantile)
        else:
            for arg in node.args:
                if not isinstance(arg, (pp.NumberLiteral, pp.StringLiteral)):
                    _leaves(arg, role, context, out, quantile)
    elif isinstance(node, pp.MatrixSelector):
        _leaves(node.vector_selector, role, context, out, quantile)
    elif isinstance(node, pp.VectorSelector):
        kind = context if context in ("counter", "histogram") else "gauge"
        out.append(Leaf(node, kind, role, quantile=quantile))
    elif isinstance(node, (pp.NumberLiteral, pp.StringLiteral)):
        return
    else:
        raise CannotDrive(f"{type(node).__name__} expressions")


def plan(expr: str, knob: str = "", steady=None) -> Plan:
    """How to feed `expr`. `knob` names the metric to move (default: the first series of the
    compared side); `steady` sets other inputs' values by metric name (gauge value, counter
    rate per second, or histogram quantile value)."""
    steady = dict(steady or {})
    node = pp.parse(prepare(expr))
    leaves: List[Leaf] = []
    _leaves(node, "steady", "", leaves)
    if not leaves:
        raise CannotDrive("the expression reads no series")
    names = [leaf.selector.name for leaf in leaves if leaf.role != "filter"]
    if len(names) != len(set(names)):
        raise CannotDrive("the same metric is read twice; one input cannot be moved alone")
    chosen = next((leaf for leaf in leaves if leaf.role != "filter" and (not knob or leaf.selector.name == knob)), None)
    if chosen is None:
        raise CannotDrive(f"no series {knob} on the compared side" if knob else "every series is behind `and`")
    chosen.role = "knob"
    for leaf in leaves:
        if leaf.role == "steady":
            leaf.value = DEFAULT_RATE if leaf.kind == "counter" else DEFAULT_GAUGE if leaf.kind == "gauge" else 1.0
        elif leaf.role == "filter":
            leaf.value = 1.0
        if leaf.role != "knob" and leaf.selector.name in steady:
            leaf.value = float(steady.pop(leaf.selector.name))
    if steady:
        raise CannotDrive(f"steady values for series the expression does not read: {', '.join(sorted(steady))}")
    result = Plan(node, leaves, _grouping_labels(node), _range_seconds(node))
    _set_filters(result)
    return result


def _set_filters(p: Plan) -> None:
    """Series behind `and X op N` get a value for which the comparison holds."""
    def visit(n):
        if isinstance(n, pp.BinaryExpr) and str(n.op).strip() == "and":
            rhs = n.rhs
            while isinstance(rhs, pp.ParenExpr):
                rhs = rhs.expr
            if isinstance(rhs, pp.BinaryExpr) and isinstance(rhs.rhs, pp.NumberLiteral):
                c, op = float(rhs.rhs.val), str(rhs.op).strip()
                wanted = {"==": c, ">=": c, "<=": c, ">": c + 1, "<": c - 1, "!=": c + 1}.get(op)
                for leaf in p.leaves:
                    if leaf.role == "filter" and str(leaf.selector) in str(rhs.lhs) and wanted is not None:
                        leaf.value = wanted
        return True

    pp.walk(p.expr, visit)


# -- labels -------------------------------------------------------------------

def _regex_example(pattern: str) -> str:
    """A string the pattern probably matches (checked by the caller): the first branch, its
    escapes as the characters they stand for, classes as their first member, `.` as 0."""
    first = pattern.split("|")[0]
    first = re.sub(r"\\Q(.*?)(\\E|$)", lambda m: re.sub(r"([^A-Za-z0-9])", r"\\\1", m.group(1)), first)
    out, i = [], 0
    while i < len(first):
        ch = first[i]
        if ch == "\\" and i + 1 < len(first):
            nxt = first[i + 1]
            out.append({"d": "0", "w": "a", "s": " "}.get(nxt, nxt if not nxt.isalnum() else ""))
            i += 2
            continue
        if ch == "[":
            end = first.find("]", i + 2)
            out.append(first[i + 1] if end > 0 and first[i + 1] not in "^\\" else "")
            i = end + 1 if end > 0 else i + 1
            continue
        if ch == "." and first[i + 1:i + 2] == "*":
            i += 2
            continue
        out.append("0" if ch == "." else "" if ch in "^$*+?(){}" else ch)
        i += 1
    return "".join(out)


def _value_for(name: str, own_matchers) -> str:
    candidates = []
    for m in own_matchers:
        op = str(m.op).rsplit(".", 1)[-1]
        if op == "Equal":
            candidates.append(m.value)
        elif op == "Re":
            candidates.append(_regex_example(m.value))
    candidates += ["mac-test", "1", "0"]
    for value in candidates:
        if all(matches(m, value) for m in own_matchers):
            return value
    raise CannotDrive(f"no value of label {name!r} satisfies {', '.join(str(m) for m in own_matchers)}")


def series_labels(leaf: Leaf, grouping: Sequence[str]) -> Dict[str, str]:
    by_name: Dict[str, list] = {}
    for m in leaf.selector.matchers.matchers:
        by_name.setdefault(m.name, []).append(m)
    names = set(by_name) | set(grouping) | {"job", "instance"}
    names.discard("__name__")
    labels = {"__name__": leaf.selector.name}
    for name in sorted(names):
        value = _value_for(name, by_name.get(name, []))
        if value != "":
            labels[name] = value
    return labels


def selector_text(labels: Dict[str, str]) -> str:
    body = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return f"{labels['__name__']}{{{body}}}"


# -- values over time ------------------------------------------------------------

def histogram_masses(buckets: Sequence[float], q: float, target: float, total: float) -> List[float]:
    """Per-bucket rates (the last is +Inf) whose q-quantile, by Prometheus' linear
    interpolation, is `target` at `total` observations per second.

    Mass C goes in the bucket holding `target`, B below it and A above, so that the rank
    q·total falls at fraction phi of the way through C: B = q·total − phi·C."""
    bounds = list(buckets)
    if not (0 < target <= bounds[-1]):
        raise CannotDrive(f"a quantile of {number(target)} lies outside the buckets (up to {number(bounds[-1])})")
    i = next(k for k, b in enumerate(bounds) if target <= b)
    lo = bounds[i - 1] if i else 0.0
    phi = (target - lo) / (bounds[i] - lo)
    masses = [0.0] * (len(bounds) + 1)
    if i == 0:
        if phi < q:
            raise CannotDrive(f"a quantile of {number(target)} is too close to 0 for the first bucket")
        inside = q * total / phi
        masses[0], masses[-1] = inside, total - inside
        return masses
    limits = [total]
    if phi > 0:
        limits.append(q * total / phi)
    if phi < 1:
        limits.append((1 - q) * total / (1 - phi))
    inside = 0.5 * min(limits)
    below = q * total - phi * inside
    masses[0] += below
    masses[i] += inside
    masses[-1] += total - below - inside
    return masses


def leaf_series(leaf: Leaf, grouping, phases: Sequence[Tuple[float, int]]) -> Dict[Labels, List[float]]:
    """The leaf's samples at 1m steps for phases [(value, minutes), …]."""
    labels = series_labels(leaf, grouping)
    if leaf.kind == "gauge":
        samples = [r for v, n in phases for r in [_round(v)] * n]
        return {labels_of(labels): samples}
    if leaf.kind == "counter":
        return {labels_of(labels): _cumulative([(v, n) for v, n in phases])}
    if not leaf.selector.name.endswith("_bucket"):
        raise CannotDrive(f"histogram_quantile reads {leaf.selector.name}, not a *_bucket series")
    buckets = histogram_buckets(leaf.selector.name[: -len("_bucket")])
    per_phase = [(histogram_masses(buckets, leaf.quantile, v, 1.0), n) for v, n in phases]
    out = {}
    les = [number(float(b)) for b in buckets] + ["+Inf"]
    for index, le in enumerate(les):
        rates = [(sum(m[: index + 1]), n) for m, n in per_phase]
        out[labels_of(dict(labels, le=le))] = _cumulative(rates)
    return out


def _round(value: float) -> float:
    """12 significant digits: readable test files, and far below any threshold margin."""
    return float(f"{value:.12g}")


def _cumulative(rates: Sequence[Tuple[float, int]]) -> List[float]:
    samples, value = [], 0.0
    for rate, n in rates:
        for _ in range(n):
            samples.append(_round(value))
            value += rate * STEP
    return samples


def notation(samples: Sequence[float]) -> str:
    """Samples as the shortest runs of promtool's `a+bxN` notation."""
    parts, i = [], 0
    while i < len(samples):
        j = i + 1
        if j < len(samples):
            step = samples[j] - samples[i]
            while j + 1 < len(samples) and math.isclose(samples[j + 1] - samples[j], step, rel_tol=0, abs_tol=1e-9):
                j += 1
            j += 1
        step = _round((samples[j - 1] - samples[i]) / (j - 1 - i)) if j - 1 > i else 0
        parts.append(run(samples[i], step, j - i))
        i = j
    return " ".join(parts)


def build_series(p: Plan, knob_phases, minutes: int):
    """All input series for a scenario: knob phases, others steady for `minutes`."""
    series: Dict[Labels, List[float]] = {}
    for leaf in p.leaves:
        phases = knob_phases if leaf.role == "knob" else [(leaf.value, minutes)]
        for labels, samples in leaf_series(leaf, p.grouping, phases).items():
            if labels in series:
                raise CannotDrive(f"two inputs would be the same series {dict(labels)}")
            series[labels] = samples
    return series


def as_engine_input(series: Dict[Labels, List[float]]):
    return {labels: [(i * STEP, v) for i, v in enumerate(samples)] for labels, samples in series.items()}

