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
import re
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


def op_name(matcher) -> str:
    return str(matcher.op).rsplit(".", 1)[-1]


def matches(matcher, value: str) -> bool:
    op = op_name(matcher)
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
            op = op_name(m)
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
        # labels (with __name__) → [(t seconds, value)], sorted by t. NaN is an omitted sample
        # (promtool's `_`): there is none, so an instant selector still finds the one before
        # it within the lookback. (mac's generated series have no staleness markers.)
        series = {labels: [(ts, v) for ts, v in samples if not math.isnan(v)] for labels, samples in series.items()}
        self.series = series
        self._times = {labels: [ts for ts, _ in samples] for labels, samples in series.items()}
        self._clean = {labels: not any(math.isnan(v) for _, v in samples) for labels, samples in series.items()}
        # Keyed by the selector object itself (held here, so alive): an id() of one that was
        # garbage-collected can be reused by another and return the wrong series.
        self._selected: Dict[_Selector, list] = {}

    def add(self, series: Dict[Labels, List[Tuple[float, float]]]) -> None:
        """More series (a recording rule's output), as if given to the constructor."""
        for labels, samples in series.items():
            samples = [(ts, v) for ts, v in samples if not math.isnan(v)]
            self.series[labels] = samples
            self._times[labels] = [ts for ts, _ in samples]
            self._clean[labels] = True
        self._selected.clear()

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
            if i >= 0 and samples[i][0] >= t - LOOKBACK:  # 2.x: a sample exactly 5m old still counts
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

RANGE_FUNCTIONS = ("rate", "increase", "irate", "delta", "idelta", "deriv", "max_over_time", "min_over_time",
                   "avg_over_time", "sum_over_time", "count_over_time", "last_over_time", "present_over_time",
                   "changes", "resets")
_REDUCE = {"sum": sum, "min": min, "max": max, "count": len, "avg": lambda xs: sum(xs) / len(xs),
           "group": lambda xs: 1.0}
# Functions of one instant vector, element by element (Prometheus drops the metric name).
_ELEMENTWISE = {"abs": abs, "ceil": math.ceil, "floor": math.floor,
                "sqrt": lambda v: math.sqrt(v) if v >= 0 else math.nan, "exp": math.exp,
                "ln": lambda v: math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan),
                "log2": lambda v: math.log2(v) if v > 0 else (-math.inf if v == 0 else math.nan),
                "log10": lambda v: math.log10(v) if v > 0 else (-math.inf if v == 0 else math.nan),
                "sgn": lambda v: float((v > 0) - (v < 0))}


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
    if name == "predict_linear":
        if not isinstance(args[0], pp.MatrixSelector):
            raise Unsupported(f"{name} of a subquery")
        selector, width = _Selector(args[0].vector_selector), args[0].range.total_seconds()
        ahead = compile_expr(args[1])

        def predict(engine, t):
            out = {}
            for labels, window in engine._range(selector, width, t):
                if len(window) >= 2:
                    slope, intercept = _linear_regression(window, t)
                    out[_drop_name(labels)] = slope * ahead(engine, t) + intercept
            return out
        return predict
    if name in _ELEMENTWISE:
        vector, fn = compile_expr(args[0]), _ELEMENTWISE[name]
        return lambda engine, t: {_drop_name(k): float(fn(v)) for k, v in vector(engine, t).items()}
    if name in ("clamp_min", "clamp_max"):
        vector = compile_expr(args[0])
        bound = compile_expr(args[1])
        pick = max if name == "clamp_min" else min
        return lambda engine, t: {_drop_name(k): pick(v, bound(engine, t)) for k, v in vector(engine, t).items()}
    if name == "clamp":
        vector, low, high = (compile_expr(a) for a in args)
        return lambda engine, t: {_drop_name(k): max(low(engine, t), min(high(engine, t), v))
                                  for k, v in vector(engine, t).items()}
    if name == "round":
        vector = compile_expr(args[0])
        nearest = compile_expr(args[1]) if len(args) > 1 else (lambda engine, t: 1.0)

        def round_(engine, t):
            inverse = 1.0 / nearest(engine, t)  # as Prometheus: floor(v * 1/to + 0.5) / (1/to)
            return {_drop_name(k): math.floor(v * inverse + 0.5) / inverse for k, v in vector(engine, t).items()}
        return round_
    if name in ("sort", "sort_desc"):
        return compile_expr(args[0])
    if name == "scalar":
        vector = compile_expr(args[0])

        def scalar(engine, t):
            values = list(vector(engine, t).values())
            return values[0] if len(values) == 1 else math.nan
        return scalar
    if name in ("absent", "absent_over_time"):
        if name == "absent":
            vector, labels = compile_expr(args[0]), _absent_labels(args[0])
            return lambda engine, t: {} if vector(engine, t) else {labels: 1.0}
        if not isinstance(args[0], pp.MatrixSelector):
            raise Unsupported(f"{name} of a subquery")
        selector, width = _Selector(args[0].vector_selector), args[0].range.total_seconds()
        labels = _absent_labels(args[0].vector_selector)
        return lambda engine, t: {} if any(w for _, w in engine._range(selector, width, t)) else {labels: 1.0}
    if name == "label_replace":
        return _compile_label_replace(args)
    if name == "histogram_quantile":
        q, vector = compile_expr(args[0]), compile_expr(args[1])
        return lambda engine, t: _histogram_quantile(q(engine, t), vector(engine, t))
    if name == "time":
        return lambda engine, t: float(t)
    if name == "vector":
        scalar = compile_expr(args[0])
        return lambda engine, t: {(): scalar(engine, t)}
    raise Unsupported(f"function {name}")


def _absent_labels(node) -> Labels:
    """absent()'s result labels: the equality matchers of a plain selector argument."""
    if not isinstance(node, pp.VectorSelector):
        return ()
    equal: Dict[str, List[str]] = {}
    for m in node.matchers.matchers:
        if op_name(m) == "Equal" and m.name != "__name__":
            equal.setdefault(m.name, []).append(m.value)
    return labels_of({k: v[0] for k, v in equal.items() if len(v) == 1})


def _compile_label_replace(args):
    if not all(isinstance(a, pp.StringLiteral) for a in args[1:]):
        raise Unsupported("label_replace with computed arguments")
    vector = compile_expr(args[0])
    dst, replacement, src, pattern = (a.val for a in args[1:])
    compiled, error = compile_regex(pattern)
    if compiled is None:
        raise Unsupported(f"regex {pattern!r}: {error}")

    def label_replace(engine, t):
        out = {}
        for labels, v in vector(engine, t).items():
            d = dict(labels)
            found = compiled.match(d.get(src, ""))
            if found is not None:
                value = _expand_template(replacement, found)
                if value:
                    d[dst] = value
                else:
                    d.pop(dst, None)
            out[labels_of(d)] = v
        return out
    return label_replace


def _expand_template(template: str, found) -> str:
    """Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; an unknown group is empty."""
    def group(m):
        if m.group(0) == "$$":
            return "$"
        name = m.group(1) or m.group(2)
        try:
            return found.group(int(name) if name.isdigit() else name) or ""
        except (IndexError, KeyError, ValueError):
            return ""
    return re.sub(r"\$\$|\$\{(\w+)\}|\$(\w+)", group, template)


def _compile_aggregate(node):
    op = str(node.op).strip()
    if op in ("topk", "bottomk"):
        return _compile_topk(node, op)
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


def _compile_topk(node, op):
    inner, k_fn = compile_expr(node.expr), compile_expr(node.param)
    modifier = node.modifier
    names = frozenset(modifier.labels) if modifier is not None else frozenset()
    without = modifier is not None and str(modifier.type).endswith("Without")

    def topk(engine, t):
        k = int(k_fn(engine, t))
        groups: Dict[Labels, List[Tuple[float, Labels]]] = {}
        for labels, value in inner(engine, t).items():
            key = tuple(kv for kv in labels if (kv[0] not in names) == without and kv[0] != "__name__")
            groups.setdefault(key, []).append((value, labels))
        out = {}
        for members in groups.values():
            if len({v for v, _ in members}) != len(members) and len(members) > k:
                raise Unsupported(f"{op} among equal values")  # Prometheus' pick is not specified
            members.sort(key=lambda m: m[0], reverse=op == "topk")
            out.update((labels, v) for v, labels in members[:max(k, 0)])
        return out
    return topk


def compile_difference(node):
    """fn(engine, t) → the left side minus the right side of a vector comparison, element by
    element, matched as the comparison matches them (on/ignoring/group_*)."""
    return _compile_binary(node, "-")


def _compile_binary(node, op: str = ""):
    op = op or str(node.op).strip()
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
    if name == "sum_over_time":
        return sum(values)
    if name == "count_over_time":
        return float(len(values))
    if name == "present_over_time":
        return 1.0
    if name == "last_over_time":
        return values[-1]
    if name == "changes":
        return float(sum(1 for a, b in zip(values, values[1:]) if a != b))
    if name == "resets":
        return float(sum(1 for a, b in zip(values, values[1:]) if b < a))
    if len(window) < 2:
        return None
    if name == "irate":
        (t1, v1), (t2, v2) = window[-2], window[-1]
        delta = v2 - v1 if v2 >= v1 else v2
        return delta / (t2 - t1)
    if name == "idelta":
        return window[-1][1] - window[-2][1]
    if name == "deriv":
        return _linear_regression(window, window[0][0])[0]
    return _extrapolated_rate(window, t - width, t, is_rate=name == "rate", is_counter=name != "delta")


def _linear_regression(window, intercept_time):
    """Prometheus 2.x linearRegression (deriv, predict_linear), in its order of operations."""
    n = sum_x = sum_y = sum_xy = sum_x2 = 0.0
    init_y, const_y = window[0][1], True
    for i, (ts, v) in enumerate(window):
        if const_y and i > 0 and v != init_y:
            const_y = False
        n += 1.0
        x = ts - intercept_time
        sum_x += x
        sum_y += v
        sum_xy += x * v
        sum_x2 += x * x
    if const_y:
        return (math.nan, math.nan) if math.isinf(init_y) else (0.0, init_y)
    cov_xy = sum_xy - sum_x * sum_y / n
    var_x = sum_x2 - sum_x * sum_x / n
    slope = cov_xy / var_x
    return slope, sum_y / n - slope * sum_x / n


def _extrapolated_rate(window, range_start, range_end, is_rate, is_counter=True):
    """Prometheus 2.x extrapolatedRate (rate, increase; delta for gauges), step by step."""
    first_t, first_v = window[0]
    last_t, last_v = window[-1]
    result = last_v - first_v
    previous = first_v
    for _, v in window[1:] if is_counter else ():  # counter resets
        if v < previous:
            result += previous
        previous = v
    duration_to_start = first_t - range_start
    duration_to_end = range_end - last_t
    sampled = last_t - first_t
    average = sampled / (len(window) - 1)
    if is_counter and result > 0 and first_v >= 0:
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
