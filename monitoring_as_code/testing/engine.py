"""A small PromQL evaluator for synthetic test series.

The boundary-test generator must know, before promtool runs, what an alert's expression
evaluates to at each minute of a scenario: to find the input that puts it just past its
threshold, and the exact minute the condition starts to hold. promtool cannot answer
that (it only compares), so this evaluates the subset of PromQL alert expressions use, with
Prometheus 2.x semantics: 5m lookback, inclusive range windows, extrapolated rate()."""
from __future__ import annotations

import bisect
import math
import re
from typing import Dict, List, Tuple

import promql_parser as pp

LOOKBACK = 300.0
Labels = Tuple[Tuple[str, str], ...]
Vector = Dict[Labels, float]


class Unsupported(Exception):
    """The expression uses PromQL the evaluator does not model."""


def labels_of(d: dict) -> Labels:
    return tuple(sorted(d.items()))


def _drop_name(labels: Labels) -> Labels:
    return tuple(kv for kv in labels if kv[0] != "__name__")


def matches(matcher, value: str) -> bool:
    op = str(matcher.op).rsplit(".", 1)[-1]
    if op == "Equal":
        return value == matcher.value
    if op == "NotEqual":
        return value != matcher.value
    hit = re.fullmatch(matcher.value, value) is not None
    return hit if op == "Re" else not hit


class Engine:
    def __init__(self, series: Dict[Labels, List[Tuple[float, float]]]):
        self.series = series  # labels (with __name__) → [(t seconds, value)], sorted by t
        self._times = {labels: [ts for ts, _ in samples] for labels, samples in series.items()}
        self._selected: Dict[str, list] = {}

    # -- selectors -----------------------------------------------------------
    def _select(self, vs):
        """Series matching a selector; the same at every evaluation time, so found once."""
        key = str(vs)
        if key not in self._selected:
            if vs.offset is not None or vs.at is not None:
                raise Unsupported("offset and @ modifiers")
            found = []
            for labels, samples in self.series.items():
                d = dict(labels)
                if vs.name and d.get("__name__") != vs.name:
                    continue
                if all(matches(m, d.get(m.name, "")) for m in vs.matchers.matchers):
                    found.append((labels, samples))
            self._selected[key] = found
        return self._selected[key]

    def _instant(self, vs, t) -> Vector:
        out = {}
        for labels, samples in self._select(vs):
            i = bisect.bisect_right(self._times[labels], t) - 1
            if i >= 0 and samples[i][0] > t - LOOKBACK and not math.isnan(samples[i][1]):
                out[labels] = samples[i][1]
        return out

    def _range(self, ms, t):
        width = ms.range.total_seconds()
        for labels, samples in self._select(ms.vector_selector):
            times = self._times[labels]
            lo, hi = bisect.bisect_left(times, t - width), bisect.bisect_right(times, t)
            window = [(ts, v) for ts, v in samples[lo:hi] if not math.isnan(v)]
            yield labels, window, width

    # -- evaluation ----------------------------------------------------------
    def eval(self, node, t: float):
        if isinstance(node, pp.ParenExpr):
            return self.eval(node.expr, t)
        if isinstance(node, pp.NumberLiteral):
            return float(node.val)
        if isinstance(node, pp.VectorSelector):
            return self._instant(node, t)
        if isinstance(node, pp.UnaryExpr):
            value = self.eval(node.expr, t)
            return -value if isinstance(value, float) else {_drop_name(k): -v for k, v in value.items()}
        if isinstance(node, pp.Call):
            return self._call(node, t)
        if isinstance(node, pp.AggregateExpr):
            return self._aggregate(node, t)
        if isinstance(node, pp.BinaryExpr):
            return self._binary(node, t)
        raise Unsupported(type(node).__name__)

    def _call(self, node, t):
        name = node.func.name
        args = node.args
        if name in ("rate", "increase", "irate", "max_over_time", "min_over_time", "avg_over_time"):
            if not isinstance(args[0], pp.MatrixSelector):
                raise Unsupported(f"{name} of a subquery")
            out = {}
            for labels, window, width in self._range(args[0], t):
                value = _range_function(name, window, t, width)
                if value is not None:
                    out[_drop_name(labels)] = value
            return out
        if name in ("clamp_min", "clamp_max", "abs"):
            vector = self.eval(args[0], t)
            if name == "abs":
                return {_drop_name(k): abs(v) for k, v in vector.items()}
            bound = self.eval(args[1], t)
            pick = max if name == "clamp_min" else min
            return {_drop_name(k): pick(v, bound) for k, v in vector.items()}
        if name == "histogram_quantile":
            return _histogram_quantile(self.eval(args[0], t), self.eval(args[1], t))
        if name == "time":
            return float(t)
        if name == "vector":
            return {(): self.eval(args[0], t)}
        raise Unsupported(f"function {name}")

    def _aggregate(self, node, t):
        op = str(node.op).strip()
        if op not in ("sum", "avg", "min", "max", "count"):
            raise Unsupported(f"aggregation {op}")
        vector = self.eval(node.expr, t)
        modifier = node.modifier
        names = set(modifier.labels) if modifier is not None else set()
        without = modifier is not None and str(modifier.type).endswith("Without")
        groups: Dict[Labels, List[float]] = {}
        for labels, value in vector.items():
            if without:
                key = tuple(kv for kv in labels if kv[0] not in names and kv[0] != "__name__")
            else:
                key = tuple(kv for kv in labels if kv[0] in names)
            groups.setdefault(key, []).append(value)
        reduce = {"sum": sum, "min": min, "max": max, "count": len,
                  "avg": lambda xs: sum(xs) / len(xs)}[op]
        return {k: float(reduce(v)) for k, v in groups.items()}

    def _binary(self, node, t):
        op = str(node.op).strip()
        lhs, rhs = self.eval(node.lhs, t), self.eval(node.rhs, t)
        modifier = node.modifier
        return_bool = modifier is not None and modifier.return_bool
        comparison = op in ("==", "!=", "<", "<=", ">", ">=")
        if isinstance(lhs, float) and isinstance(rhs, float):
            value = _apply(op, lhs, rhs)
            return float(value) if not comparison else float(bool(value))
        if op in ("and", "or", "unless"):
            return _set_op(op, lhs, rhs, modifier)
        if isinstance(lhs, float) or isinstance(rhs, float):
            out = {}
            vector, scalar_left = (rhs, True) if isinstance(lhs, float) else (lhs, False)
            for labels, v in vector.items():
                a, b = (lhs, v) if scalar_left else (v, rhs)
                _put(out, labels, op, a, b, v, comparison, return_bool)
            return out
        index = {}
        for labels, v in rhs.items():
            index.setdefault(_match_key(labels, modifier), []).append(v)
        out = {}
        for labels, v in lhs.items():
            partners = index.get(_match_key(labels, modifier), [])
            if not partners:
                continue
            if len(partners) > 1:
                raise Unsupported("many-to-many matching")
            _put(out, labels, op, v, partners[0], v, comparison, return_bool)
        return out


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


def _match_key(labels: Labels, modifier) -> Labels:
    matching = modifier.matching if modifier is not None else None
    labels = _drop_name(labels)
    if matching is None:
        return labels
    names = set(matching.labels)
    if str(matching.type).endswith("Include"):
        return tuple(kv for kv in labels if kv[0] in names)
    return tuple(kv for kv in labels if kv[0] not in names)


def _set_op(op, lhs: Vector, rhs: Vector, modifier) -> Vector:
    keys = {_match_key(k, modifier) for k in rhs}
    if op == "and":
        return {k: v for k, v in lhs.items() if _match_key(k, modifier) in keys}
    if op == "unless":
        return {k: v for k, v in lhs.items() if _match_key(k, modifier) not in keys}
    out = dict(lhs)
    left = {_match_key(k, modifier) for k in lhs}
    out.update({k: v for k, v in rhs.items() if _match_key(k, modifier) not in left})
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


def _histogram_quantile(q: float, vector: Vector) -> Vector:
    groups: Dict[Labels, List[Tuple[float, float]]] = {}
    for labels, value in vector.items():
        d = dict(labels)
        if "le" not in d:
            continue
        le = float(d.pop("le"))
        groups.setdefault(labels_of({k: v for k, v in d.items() if k != "__name__"}), []).append((le, value))
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
