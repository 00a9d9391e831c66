"""What to feed an alert expression: its input series, found by reading the expression.

Every distinct selector becomes one synthetic series (a selector written twice reads one),
with label values consistent across the expression so that the sides of each operation match
(see _assign_labels). One of them, the *knob*, is driven to move the compared value; the
others hold steady values, and series behind `and` are set so the filter passes. Counters grow
from 0 (so rate() is exact once its window is full) and histograms are built to have a chosen
quantile. Series are runs of promtool's `a+bxN` notation, simulated as promtool expands them."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import promql_parser as pp

from ..contract import histogram_buckets
from ..dialect import prepare
from ..promql import quoted
from .engine import Labels, op_name, labels_of, matches
from .values import expand, number, run

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
    labels: Dict[str, str] = field(default_factory=dict)  # of its series (histograms add `le`)
    fed: bool = True  # False: the series of an earlier leaf is this selector's input as well
    scope: frozenset = frozenset()  # labels the aggregations around it group by (or without)


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
    """The labels binary operations match on (on/ignoring); by/without are each leaf's scope."""
    names = set()

    def visit(n):
        if isinstance(n, pp.BinaryExpr) and n.modifier is not None and n.modifier.matching is not None:
            names.update(n.modifier.matching.labels)
        return True

    pp.walk(node, visit)
    names.discard("le")
    return tuple(sorted(names))


def _leaves(node, role: str, context: str, out: List[Leaf], quantile: float = 0.5,
            scope: frozenset = frozenset()) -> None:
    """Selectors in source order, each with the role and kind its position gives it, and the
    labels named by the aggregations around it (`scope`)."""
    if isinstance(node, pp.ParenExpr):
        _leaves(node.expr, role, context, out, quantile, scope)
    elif isinstance(node, pp.UnaryExpr):
        _leaves(node.expr, role, context, out, quantile, scope)
    elif isinstance(node, pp.AggregateExpr):
        if node.param is not None and not isinstance(node.param, pp.NumberLiteral):
            raise CannotDrive(f"aggregation {node.op} with a parameter")
        inner = scope | frozenset(node.modifier.labels) if node.modifier is not None else scope
        _leaves(node.expr, role, context, out, quantile, inner)
    elif isinstance(node, pp.BinaryExpr):
        op = str(node.op).strip()
        _leaves(node.lhs, role, context, out, quantile, scope)
        if op == "unless":
            return  # its right side must be empty: feed nothing
        _leaves(node.rhs, "filter" if op == "and" else role, context, out, quantile, scope)
    elif isinstance(node, pp.Call):
        name = node.func.name
        if name == "histogram_quantile":
            q = node.args[0]
            if not isinstance(q, pp.NumberLiteral):
                raise CannotDrive("histogram_quantile with a computed quantile")
            _leaves(node.args[1], role, "histogram", out, float(q.val), scope)
        elif name in COUNTER_FUNCTIONS:
            _leaves(node.args[0], role, "histogram" if context == "histogram" else "counter", out, quantile, scope)
        else:
            for arg in node.args:
                if not isinstance(arg, (pp.NumberLiteral, pp.StringLiteral)):
                    _leaves(arg, role, context, out, quantile, scope)
    elif isinstance(node, pp.MatrixSelector):
        _leaves(node.vector_selector, role, context, out, quantile, scope)
    elif isinstance(node, pp.VectorSelector):
        kind = context if context in ("counter", "histogram") else "gauge"
        out.append(Leaf(node, kind, role, quantile=quantile, scope=scope))
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
    leaves = _merge_repeated(leaves)
    grouping = _grouping_labels(node)
    _assign_labels(leaves, grouping)
    chosen = next((leaf for leaf in leaves if leaf.role != "filter" and leaf.fed
                   and (not knob or leaf.selector.name == knob)), None)
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
    result = Plan(node, leaves, grouping, _range_seconds(node))
    _set_filters(result)
    return result


def _merge_repeated(leaves: List[Leaf]) -> List[Leaf]:
    """A selector written twice (`a / (a + b)`, `x > 0 and x < 10`) reads one series: one leaf,
    the compared side's role before a filter's, a counter if either use is one."""
    out: Dict[str, Leaf] = {}
    for leaf in leaves:
        key = str(leaf.selector)
        first = out.get(key)
        if first is None:
            out[key] = leaf
            continue
        kinds = {first.kind, leaf.kind}
        if "histogram" in kinds and len(kinds) > 1 or first.quantile != leaf.quantile:
            raise CannotDrive(f"{key} is read both as a histogram and otherwise (or at two quantiles)")
        if "counter" in kinds:
            first.kind = "counter"
        if first.role == "filter" and leaf.role != "filter":
            first.role = leaf.role
    return list(out.values())


def _matchers_by_name(leaf: Leaf) -> Dict[str, list]:
    by_name: Dict[str, list] = {}
    for m in leaf.selector.matchers.matchers:
        by_name.setdefault(m.name, []).append(m)
    return by_name


def _accepts(leaf: Leaf, labels: Dict[str, str]) -> bool:
    return labels.get("__name__") == leaf.selector.name and all(
        matches(m, labels.get(m.name, "")) for m in leaf.selector.matchers.matchers if m.name != "__name__")


def _assign_labels(leaves: List[Leaf], grouping: Sequence[str]) -> None:
    """Labels for every leaf's series, consistent across the expression so that the sides of
    each binary operation match as Prometheus matches them: each label name the expression
    uses (in any selector, grouping or matching clause, plus job and instance) gets one value
    everywhere its selectors allow (`x{job="node"} / x_limit` gives both job="node"). Two
    selectors of one metric get different series where their matchers allow (errors apart
    from the rest of the total); where they do not, the later one reads the earlier's."""
    for leaf in leaves:
        if not leaf.selector.name:
            raise CannotDrive("a selector without a metric name")
    # Labels matched on (on/ignoring) and in any selector's matchers are everywhere; those of
    # by/without only on the series inside that aggregation (`sum without (user) (x) / y`:
    # y has no user label to disagree on).
    everywhere = set(grouping) | {"job", "instance"}
    for leaf in leaves:
        everywhere.update(m.name for m in leaf.selector.matchers.matchers)
    everywhere -= {"__name__", "le"}
    names = everywhere.union(*(leaf.scope for leaf in leaves)) - {"__name__", "le"}
    own = [_matchers_by_name(leaf) for leaf in leaves]
    shared = {}
    for name in sorted(names):
        constraints = [mine.get(name, []) for mine in own]
        candidates = [m.value for c in constraints for m in c if op_name(m) == "Equal"]
        candidates += [_regex_example(m.value) for c in constraints for m in c if op_name(m) == "Re"]
        candidates += ["mac-test", "1", "0"]
        best, best_score = None, -1
        for value in candidates:
            score = sum(all(matches(m, value) for m in c) for c in constraints)
            if score > best_score:
                best, best_score = value, score
        shared[name] = best
    taken: List[Leaf] = []
    for leaf, mine in zip(leaves, own):
        labels = {"__name__": leaf.selector.name}
        for name in sorted(names & (everywhere | leaf.scope)):
            constraint = mine.get(name, [])
            value = shared[name] if all(matches(m, shared[name]) for m in constraint) else _value_for(name, constraint)
            if value != "":
                labels[name] = value
        leaf.labels = labels
        for other in taken:
            if other.labels != leaf.labels:
                continue
            apart = _apart(leaf, other, taken)
            if apart is not None:
                leaf.labels = apart
                continue
            apart = _apart(other, leaf, [t for t in taken if t is not other])
            if apart is not None:
                other.labels = apart
                continue
            leaf.fed = False  # the same series as `other`: it is fed once
            if "counter" in (leaf.kind, other.kind) and "histogram" not in (leaf.kind, other.kind):
                other.kind = "counter"
            elif leaf.kind != other.kind:
                raise CannotDrive(f"{leaf.selector} and {other.selector} would read one series in two ways")
            break
        if leaf.fed:
            taken.append(leaf)


def _violating(matcher) -> List[str]:
    """Label values the matcher rejects (to try, in order)."""
    op = op_name(matcher)
    if op == "Equal":
        return ["mac-other", ""]
    if op == "NotEqual":
        return [matcher.value]
    if op == "Re":
        return ["mac-other", ""]
    return [_regex_example(matcher.value)]


def _branches(pattern: str) -> List[str]:
    """The top-level alternatives of a regex (`current|available`), outside any group."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return out + [pattern[start:]]


def _apart(leaf: Leaf, other: Leaf, taken: Sequence[Leaf]):
    """Labels for `leaf`'s series that its selector accepts and `other`'s rejects, or None."""
    mine = _matchers_by_name(leaf)
    for m in other.selector.matchers.matchers:
        if m.name == "__name__":
            continue
        own_examples = [_regex_example(branch) for n in mine.get(m.name, []) if op_name(n) == "Re"
                        for branch in _branches(n.value)]
        for value in _violating(m) + own_examples:
            labels = dict(leaf.labels)
            if value:
                labels[m.name] = value
            else:
                labels.pop(m.name, None)
            if (_accepts(leaf, labels) and not _accepts(other, labels)
                    and all(t.labels != labels for t in taken)):
                return labels
    return None


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


def selector_text(labels: Dict[str, str]) -> str:
    """A series selector with every label, values quoted and escaped as PromQL reads them."""
    body = ", ".join(f"{k}={quoted(v)}" for k, v in sorted(labels.items()) if k != "__name__")
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


# A run is (first value, step, samples): promtool's `a+bxN` with N = samples - 1. Series are
# made of runs, and the samples mac simulates are the runs expanded exactly as promtool
# expands them (repeated float addition), so what is written is what was simulated.
Run = Tuple[float, float, int]


def leaf_runs(leaf: Leaf, phases: Sequence[Tuple[float, int]], step: float = STEP) -> Dict[Labels, List[Run]]:
    """The leaf's series, one sample every `step` seconds, for phases [(value, samples), …], as runs."""
    if leaf.kind == "gauge":
        return {labels_of(leaf.labels): _merge([(_round(v) if v is not None else math.nan, 0.0, n)
                                                for v, n in phases])}
    if leaf.kind == "counter":
        return {labels_of(leaf.labels): _counter_runs(phases, step)}
    if not leaf.selector.name.endswith("_bucket"):
        raise CannotDrive(f"histogram_quantile reads {leaf.selector.name}, not a *_bucket series")
    buckets = histogram_buckets(leaf.selector.name[: -len("_bucket")])
    per_phase = [(histogram_masses(buckets, leaf.quantile, v, 1.0) if v is not None else None, n) for v, n in phases]
    out = {}
    les = [number(float(b)) for b in buckets] + ["+Inf"]
    for index, le in enumerate(les):
        rates = [(sum(m[: index + 1]) if m is not None else None, n) for m, n in per_phase]
        out[labels_of(dict(leaf.labels, le=le))] = _counter_runs(rates, step)
    return out


def _round(value: float) -> float:
    """12 significant digits: readable test files, and far below any threshold margin."""
    return float(f"{value:.12g}")


def _counter_runs(rates: Sequence[Tuple[float, int]], interval: float = STEP) -> List[Run]:
    """A counter from 0 growing at each phase's rate per second. Each run starts where
    promtool's expansion of the previous one would have continued, so the counter never
    steps back by a rounding error (a spurious reset)."""
    runs, value = [], 0.0
    for rate, n in rates:
        if rate is None:  # missing: no samples (the counter resumes where it was)
            runs.append((math.nan, 0.0, n))
            continue
        runs.append((value, _round(rate * interval), n))
        value = _continue(runs[-1])
    return _merge(runs)


def _merge(runs: Sequence[Run]) -> List[Run]:
    out: List[Run] = []
    for start, step, n in runs:
        if n <= 0:
            continue
        if out and out[-1][1] == step and _continue(out[-1]) == start:
            out[-1] = (out[-1][0], step, out[-1][2] + n)
        else:
            out.append((start, step, n))
    return out


def _continue(r: Run) -> float:
    """The value promtool's expansion of the run would reach next."""
    value = r[0]
    for _ in range(r[2]):
        value += r[1]
    return value


def expand_runs(runs: Sequence[Run]) -> List[float]:
    out = []
    for value, step, n in runs:
        for _ in range(n):
            out.append(value)
            value += step
    return out


def notation(runs: Sequence[Run]) -> str:
    """Runs in promtool's notation (a NaN run is missing samples, `_xN`)."""
    return " ".join(f"_x{n}" if math.isnan(start) else run(start, step, n) for start, step, n in runs)


def build_series(p: Plan, knob_phases, minutes: int, presence=None, step: float = STEP) -> Dict[Labels, List[Run]]:
    """All input series for a scenario, as runs: knob phases, the others steady for `minutes`
    (counted in samples, one every `step` seconds).
    presence: [(present?, minutes), …] for every series at once (each at its own value)."""
    series: Dict[Labels, List[Run]] = {}
    for leaf in p.leaves:
        if not leaf.fed:
            continue
        if presence is not None:
            phases = [(leaf.value if present else None, n) for present, n in presence]
        else:
            phases = knob_phases if leaf.role == "knob" else [(leaf.value, minutes)]
        for labels, runs in leaf_runs(leaf, phases, step).items():
            if labels in series:
                raise CannotDrive(f"two inputs would be the same series {dict(labels)}")
            series[labels] = runs
    return series


def as_engine_input(series: Dict[Labels, List[Run]], step: float = STEP):
    """The samples promtool will load: each series' notation expanded as promtool expands it,
    checked against the samples mac meant (the self-check: a difference is a bug here)."""
    out = {}
    for labels, runs in series.items():
        written = expand(notation(runs))
        if _bits(written) != _bits(expand_runs(runs)):
            raise CannotDrive(f"the notation of {dict(labels)} does not expand to the simulated samples")
        out[labels] = [(i * step, v) for i, v in enumerate(written)]
    return out


def _bits(samples: Sequence[float]):
    return [("nan",) if math.isnan(v) else v for v in samples]
