"""A small PromQL evaluator for synthetic test series.

The boundary-test generator must know, before promtool runs, what an alert's expression
evaluates to at each minute of a scenario: to find the input that puts it just past its
threshold, and the exact minute the condition starts to hold. promtool cannot answer
that (it only compares), so this evaluates the subset of PromQL alert expressions use, with
Prometheus 2.x semantics: 5m lookback, inclusive range windows, extrapolated rate()."""
from __future__ import annotations

import bisect
import functools
import math
from typing import Dict, List, Tuple

import promql_parser as pp

from ..dialect import compile_regex

LOOKBACK = 300.0
Labels = Tuple[Tuple[str, str], ...]
Vector = Dict[Labels, float]


class Unsupported(Exception):
    """The expression uses PromQL the evaluator does not model."""


def labels_of(d: dict) -> Labels:
    return tuple(sorted(d.items()))


@functools.lru_cache(maxsize=65536)
def _drop_name(labels: Labels) -> Labels:  # the same few label sets, at every step
    return tuple(kv for kv in labels if kv[0] != "__name__")


def _op_name(matcher) -> str:
    return str(matcher.op).rsplit(".", 1)[-1]


def matches(matcher, value: str) -> bool:
    op = _op_name(matcher)
    if op == "Equal":
        return value == matcher.value
    if op == "NotEqual":
        return value != matcher.value
    hit = _regex(matcher.value).match(value) is not None
    return hit if op == "Re" else not hit


@functools.lru_cache(maxsize=1024)
def _regex(pattern: str):
    """Go's regexp syntax (RE2), anchored as Prometheus anchors matchers."""
    compiled, error = compile_regex(pattern)
    if compiled is None:
        raise Unsupported(f"regex {pattern!r}: {error}")
    return compiled


class _Selector:
    """A vector selector, read from the parsed tree once."""

    def __init__(self, vs) -> None:
        if vs.offset is not None or vs.at is not None:
            raise Unsupported("offset and @ modifiers")
        self.name = vs.name
        self.matchers = []
        for m in vs.matchers.matchers:
            op = _op_name(m)
            pattern = _regex(m.value) if op in ("Re", "NotRe") else None
            self.matchers.append((m.name, op, m.value, pattern))

    def accepts(self, d: dict) -> bool:
        if self.name and d.get("__name__") != self.name:
            return False
        for name, op, value, pattern in self.matchers:
            actual = d.get(name, "")
            if op == "Equal":
                ok = actual == value
            elif op == "NotEqual":
                ok = actual != value
            else:
                ok = (pattern.match(actual) is not None) == (op == "Re")
            if not ok:
                return False
        return True


class Engine:
    def __init__(self, series: Dict[Labels, List[Tuple[float, float]]]):
        self.series = series  # labels (with __name__) → [(t seconds, value)], sorted by t
        self._times = {labels: [ts for ts, _ in samples] for labels, samples in series.items()}
        self._clean = {labels: not any(math.isnan(v) for _, v in samples) for labels, samples in series.items()}
        # Keyed by the selector object itself (held here, so alive): an id() of one that was
        # garbage-collected can be reused by another and return the wrong series.
        self._selected: Dict[_Selector, list] = {}

    def eval(self, node, t: float):
        """The value of a parsed expression at t: a float or a Vector."""
        return compile_expr(node)(self, t)

    # -- selectors -----------------------------------------------------------
    def _select(self, selector: _Selector):
        """Series matching a selector; the same at every evaluation time, so found once."""
        found = self._selected.get(selector)
        if found is None:
            found = [(labels, samples) for labels, samples in self.series.items() if selector.accepts(dict(labels))]
            self._selected[selector] = found
        return found

    def _instant(self, selector: _Selector, t) -> Vector:
        out = {}
        for labels, samples in self._select(selector):
            i = bisect.bisect_right(self._times[labels], t) - 1
            if i >= 0 and samples[i][0] > t - LOOKBACK and not math.isnan(samples[i][1]):
                out[labels] = samples[i][1]
        return out

    def _range(self, selector: _Selector, width: float, t):
        for labels, samples in self._select(selector):
            times = self._times[labels]
            lo, hi = bisect.bisect_left(times, t - width), bisect.bisect_right(times, t)
            window = samples[lo:hi]
            if not self._clean[labels]:
                window = [(ts, v) for ts, v in window if not math.isnan(v)]
            yield labels, window


# -- compiling an expression into closures -----------------------------------------------
# The tree is read once per expression; evaluating it at each of a scenario's minutes then
# touches no parser objects (reading those builds new Python objects on every access).

RANGE_FUNCTIONS = ("rate", "increase", "irate", "max_over_time", "min_over_time", "avg_over_time")
_REDUCE = {"sum": sum, "min": min, "max": max, "count": len, "avg": lambda xs: sum(xs) / len(xs)}


def compile_expr(node):
    """fn(engine, t) → float or Vector; Unsupported for PromQL the evaluator does not model."""
    kind = type(node)
    if kind is pp.ParenExpr:
        return compile_expr(node.expr)
    if kind is pp.NumberLiteral:
        value = float(node.val)
        return lambda engine, t: value
    if kind is pp.VectorSelector:
        selector = _Selector(node)
        return lambda engine, t: engine._instant(selector, t)
    if kind is pp.UnaryExpr:
        inner = compile_expr(node.expr)

        def negate(engine, t):
            value = inner(engine, t)
            return -value if isinstance(value, float) else {_drop_name(k): -v for k, v in value.items()}
        return negate
    if kind is pp.Call:
        return _compile_call(node)
    if kind is pp.AggregateExpr:
        return _compile_aggregate(node)
    if kind is pp.BinaryExpr:
        return _compile_binary(node)
    raise Unsupported(kind.__name__)


def _compile_call(node):
    name = node.func.name
    args = node.args
    if name in RANGE_FUNCTIONS:
        if not isinstance(args[0], pp.MatrixSelector):
            raise Unsupported(f"{name} of a subquery")
        selector, width = _Selector(args[0].vector_selector), args[0].range.total_seconds()

        def over_range(engine, t):
            out = {}
            for labels, window in engine._range(selector, width, t):
                value = _range_function(name, window, t, width)
                if value is not None:
                    out[_drop_name(labels)] = value
            return out
        return over_range
    if name in ("clamp_min", "clamp_max", "abs"):
        vector = compile_expr(args[0])
        if name == "abs":
            return lambda engine, t: {_drop_name(k): abs(v) for k, v in vector(engine, t).items()}
        bound = compile_expr(args[1])
        pick = max if name == "clamp_min" else min
        return lambda engine, t: {_drop_name(k): pick(v, bound(engine, t)) for k, v in vector(engine, t).items()}
    if name == "histogram_quantile":
        q, vector = compile_expr(args[0]), compile_expr(args[1])
        return lambda engine, t: _histogram_quantile(q(engine, t), vector(engine, t))
    if name == "time":
        return lambda engine, t: float(t)
    if name == "vector":
        scalar = compile_expr(args[0])
        return lambda engine, t: {(): scalar(engine, t)}
    raise Unsupported(f"function {name}")


def _compile_aggregate(node):
    op = str(node.op).strip()
    if op not in _REDUCE:
        raise Unsupported(f"aggregation {op}")
    inner = compile_expr(node.expr)
    modifier = node.modifier
    names = frozenset(modifier.labels) if modifier is not None else frozenset()
    without = modifier is not None and str(modifier.type).endswith("Without")
    reduce = _REDUCE[op]
    keys: Dict[Labels, Labels] = {}  # labels → their group, worked out once per label set

    def group_of(labels: Labels) -> Labels:
        if without:
            return tuple(kv for kv in labels if kv[0] not in names and kv[0] != "__name__")
        return tuple(kv for kv in labels if kv[0] in names)

    def aggregate(engine, t):
        groups: Dict[Labels, List[float]] = {}
        for labels, value in inner(engine, t).items():
            key = keys.get(labels)
            if key is None:
                key = keys[labels] = group_of(labels)
            groups.setdefault(key, []).append(value)
        return {k: float(reduce(v)) for k, v in groups.items()}
    return aggregate


def _compile_binary(node):
    op = str(node.op).strip()
    lhs_fn, rhs_fn = compile_expr(node.lhs), compile_expr(node.rhs)
    modifier = node.modifier
    return_bool = modifier is not None and modifier.return_bool
    comparison = op in ("==", "!=", "<", "<=", ">", ">=")
    matching = _matching(modifier)

    def binary(engine, t):
        lhs, rhs = lhs_fn(engine, t), rhs_fn(engine, t)
        if isinstance(lhs, float) and isinstance(rhs, float):
            value = _apply(op, lhs, rhs)
            return float(value) if not comparison else float(bool(value))
        if op in ("and", "or", "unless"):
            return _set_op(op, lhs, rhs, matching)
        if isinstance(lhs, float) or isinstance(rhs, float):
            out = {}
            vector, scalar_left = (rhs, True) if isinstance(lhs, float) else (lhs, False)
            for labels, v in vector.items():
                a, b = (lhs, v) if scalar_left else (v, rhs)
                _put(out, labels, op, a, b, v, comparison, return_bool)
            return out
        index = {}
        for labels, v in rhs.items():
            index.setdefault(_match_key(labels, matching), []).append(v)
        out = {}
        for labels, v in lhs.items():
            partners = index.get(_match_key(labels, matching), [])
            if not partners:
                continue
            if len(partners) > 1:
                raise Unsupported("many-to-many matching")
            _put(out, labels, op, v, partners[0], v, comparison, return_bool)
        return out
    return binary


def _matching(modifier):
    """(include?, label names) of `on(...)`/`ignoring(...)`, or None."""
    matching = modifier.matching if modifier is not None else None
    if matching is None:
        return None
    return str(matching.type).endswith("Include"), frozenset(matching.labels)


def _put(out: Vector, labels: Labels, op: str, a: float, b: float, kept: float, comparison: bool,
         return_bool: bool) -> None:
    """One element of a binary operation: arithmetic drops the metric name; a filtering
    comparison keeps the element (and its name) when it holds; `bool` gives 0 or 1."""
    result = _apply(op, a, b)
    if not comparison:
        out[_drop_name(labels)] = result
    elif return_bool:
        out[_drop_name(labels)] = float(bool(result))
    elif result:
        out[labels] = kept


def _match_key(labels: Labels, matching) -> Labels:
    labels = _drop_name(labels)
    if matching is None:
        return labels
    include, names = matching
    if include:
        return tuple(kv for kv in labels if kv[0] in names)
    return tuple(kv for kv in labels if kv[0] not in names)


def _set_op(op, lhs: Vector, rhs: Vector, matching) -> Vector:
    keys = {_match_key(k, matching) for k in rhs}
    if op == "and":
        return {k: v for k, v in lhs.items() if _match_key(k, matching) in keys}
    if op == "unless":
        return {k: v for k, v in lhs.items() if _match_key(k, matching) not in keys}
    out = dict(lhs)
    left = {_match_key(k, matching) for k in lhs}
    out.update({k: v for k, v in rhs.items() if _match_key(k, matching) not in left})
    return out


def _apply(op, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            return math.copysign(math.inf, a) if a else math.nan
        return a / b
    if op == "%":
        return math.fmod(a, b) if b else math.nan
    if op == "^":
        return a ** b
    return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _range_function(name, window, t, width):
    if not window:
        return None
    values = [v for _, v in window]
    if name == "max_over_time":
        return max(values)
    if name == "min_over_time":
        return min(values)
    if name == "avg_over_time":
        return sum(values) / len(values)
    if len(window) < 2:
        return None
    if name == "irate":
        (t1, v1), (t2, v2) = window[-2], window[-1]
        delta = v2 - v1 if v2 >= v1 else v2
        return delta / (t2 - t1)
    return _extrapolated_rate(window, t - width, t, is_rate=name == "rate")


def _extrapolated_rate(window, range_start, range_end, is_rate):
    """Prometheus 2.x extrapolatedRate for counters, step by step."""
    first_t, first_v = window[0]
    last_t, last_v = window[-1]
    result = last_v - first_v
    previous = first_v
    for _, v in window[1:]:  # counter resets
        if v < previous:
            result += previous
        previous = v
    duration_to_start = first_t - range_start
    duration_to_end = range_end - last_t
    sampled = last_t - first_t
    average = sampled / (len(window) - 1)
    if result > 0 and first_v >= 0:
        duration_to_zero = sampled * (first_v / result)
        duration_to_start = min(duration_to_start, duration_to_zero)
    threshold = average * 1.1
    interval = sampled
    interval += duration_to_start if duration_to_start < threshold else average / 2
    interval += duration_to_end if duration_to_end < threshold else average / 2
    result *= interval / sampled
    return result / (range_end - range_start) if is_rate else result


@functools.lru_cache(maxsize=65536)
def _bucket_of(labels: Labels):
    """(the labels without le and __name__, le as a number), or None without le."""
    d = dict(labels)
    if "le" not in d:
        return None
    le = float(d.pop("le"))
    return labels_of({k: v for k, v in d.items() if k != "__name__"}), le


def _histogram_quantile(q: float, vector: Vector) -> Vector:
    groups: Dict[Labels, List[Tuple[float, float]]] = {}
    for labels, value in vector.items():
        bucket = _bucket_of(labels)
        if bucket is not None:
            groups.setdefault(bucket[0], []).append((bucket[1], value))
    return {k: _bucket_quantile(q, sorted(b)) for k, b in groups.items()}


def _bucket_quantile(q: float, buckets) -> float:
    """Prometheus' bucketQuantile: linear interpolation inside the bucket holding the rank."""
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    if not buckets or not math.isinf(buckets[-1][0]) or len(buckets) < 2:
        return math.nan
    total = buckets[-1][1]
    if total == 0:
        return math.nan
    rank = q * total
    index = next(i for i, (_, count) in enumerate(buckets) if count >= rank)
    if index == len(buckets) - 1:
        return buckets[-2][0]
    if index == 0 and buckets[0][0] <= 0:
        return buckets[0][0]
    start, count_below = (0.0, 0.0) if index == 0 else (buckets[index - 1][0], buckets[index - 1][1])
    end, count = buckets[index]
    return start + (end - start) * ((rank - count_below) / (count - count_below))
