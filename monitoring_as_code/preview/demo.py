"""`mac preview --demo`: synthetic series, so a reviewer sees shapes and thresholds with no
Prometheus. Three layers, each only where the one before has nothing:

1. the alert tests' scenarios: the input series of each alert's first derived test (the one
   that fires just past the threshold), placed to end at the preview's end and carried back
   to its start at the rate (counters) or value (gauges) the scenario starts with: a panel that
   follows an alert shows its line crossing the threshold at the end;
2. every other metric a panel or recording rule reads, made from its type (the metric contract
   and the exporter catalog say which): counters rise at a gently varying rate, gauges vary
   around a level, histograms get buckets from the contract, `up` is 1 for each scrape job;
3. recording rules the dashboards read, evaluated over those series with mac's own PromQL
   evaluator (testing/engine.py), which also evaluates the panels' queries.

Everything is a function of the definitions and the time window: the same input gives the
same series and so the same page. An expression the evaluator does not model is drawn as
"No data" with the reason."""
from __future__ import annotations

import bisect
import functools
import math
import re
from typing import Dict, Iterable, List, Optional, Set, Tuple

import promql_parser as pp
import yaml

from ..contract import BY_NAME, DEFAULT_BUCKETS
from ..testing.engine import Engine, Unsupported, _regex, _Selector, compile_expr, labels_of
from ..testing.values import expand
from .sources import Answer, Series
from .timerange import Window, interval_seconds
from .variables import defaults, substitute

MARGIN = 3600.0  # series start this long before the window, for range functions at its start
DEMO_INSTANCE = "demo:9100"
_LABEL_VALUES = {"status": ("200", "500"), "code": ("200", "500"), "method": ("GET", "POST"),
                 "mode": ("idle", "user", "system"), "device": ("eth0",), "mountpoint": ("/",), "fstype": ("ext4",)}


def _nodes(node) -> Iterable:
    """Every node of a parsed expression, depth first."""
    yield node
    if type(node) is pp.VectorSelector:
        return
    for attr in ("expr", "lhs", "rhs", "param", "vector_selector"):
        child = getattr(node, attr, None)
        if child is not None and not isinstance(child, (str, int, float)):
            yield from _nodes(child)
    for arg in getattr(node, "args", None) or []:
        yield from _nodes(arg)


def _selectors(node) -> Iterable:
    return (n for n in _nodes(node) if type(n) is pp.VectorSelector)


def _groupings(node) -> Iterable[str]:
    for n in _nodes(node):
        if type(n) is pp.AggregateExpr and n.modifier is not None:
            yield from (n.modifier.labels or [])


def _name_and_equals(selector) -> Tuple[str, Dict[str, str]]:
    name = selector.name or ""
    equal = {}
    for m in selector.matchers.matchers:
        op = str(m.op).rsplit(".", 1)[-1]
        if m.name == "__name__" and op == "Equal":
            name = m.value
        elif op == "Equal":
            equal[m.name] = m.value
    return name, equal


@functools.lru_cache(maxsize=4096)
def _regex_examples(selector) -> Dict[str, str]:
    """A value each `=~` matcher accepts, where a simple one can be read off the pattern: its
    first alternative with `.*` dropped, `.+` as "x" and groups opened (`prod/(.*ingester.*)`
    gives prod/ingester, `5..` gives 500), kept only if the pattern accepts it."""
    out = {}
    for m in selector.matchers.matchers:
        if str(m.op).rsplit(".", 1)[-1] != "Re" or m.name == "__name__" or m.value in (".*", ""):
            continue
        first = _top_level_alternatives(m.value)[0]
        guess = first.replace(".*", "").replace(".+", "x").replace("\\.", ".")
        guess = re.sub(r"[()]", "", guess)
        guess = re.sub(r"(?<=\d)\.\.$", "00", guess)  # 5.. → 500
        compiled = _regex(m.value)
        if compiled.match(guess) is not None:
            out[m.name] = guess
    return out


def _top_level_alternatives(pattern: str) -> List[str]:
    parts, depth, current, escaped = [], 0, "", False
    for c in pattern:
        if escaped:
            current, escaped = current + c, False
            continue
        if c == "\\":
            escaped = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += c
    return parts + [current]


@functools.lru_cache(maxsize=4096)
def _phase(text: str) -> float:
    """A fixed phase from a name (not hash(): that changes with PYTHONHASHSEED)."""
    return (sum(ord(c) * (i + 1) for i, c in enumerate(text)) % 628) / 100.0


def _wave(t: float, key: str, period: float = 5400.0) -> float:
    return math.sin(2 * math.pi * t / period + _phase(key))


class Demo:
    synthetic = True

    def __init__(self, defs, files: Dict[str, bytes], dashboards: List[dict], start: float, end: float,
                 types: Dict[str, str], every: float = 15.0) -> None:
        """every: seconds between samples, the scrape interval (a panel's rate window is
        at least four of them, as in Grafana's $__rate_interval)."""
        self.start, self.end, self.every = start, end, every
        self.types = types
        self.series: Dict[Tuple, List[Tuple[float, float]]] = {}
        first = math.floor((start - MARGIN) / every) * every
        self._times = [first + i * every for i in range(int((end - first) // every) + 1)]
        self._scenarios(defs, files)
        self._up(defs)
        exprs = []
        for d in dashboards:
            # The variables' default values where the dashboard says them (`current`), so the
            # series made for `{cluster="$cluster"}` carry the cluster the page will ask for.
            known = defaults((d.get("templating") or {}).get("list") or [], lambda v, k: [])
            exprs += [substitute(str(t["expr"]), known, None) for p in _all_panels(d) for t in p.get("targets") or []
                      if isinstance(t, dict) and t.get("expr")]
        records = self._records(defs, exprs)
        self._recorded = {r.record for g in getattr(defs, "groups", ()) for r in g.rules if hasattr(r, "record")}
        for expr in exprs + [r.expr for r in records]:
            self._synthesize(expr)
        stack = getattr(defs, "stack", None)
        self.evaluation_interval = interval_seconds(stack.evaluation_interval) if getattr(stack, "evaluation_interval", None) else 60.0
        self._materialize(records)
        self.engine = Engine(self.series)

    def describe(self) -> str:
        return "synthetic demo series (no Prometheus)"

    # -- layer 1: the alert tests' scenarios ------------------------------------------------
    def _scenarios(self, defs, files: Dict[str, bytes]) -> None:
        """Alert by alert in definition order; a metric's series all come from the first alert
        whose scenario has it (two scenarios' series of one metric would add up to neither)."""
        taken: Set[str] = set()
        names = [r.name for g in getattr(defs, "groups", ()) for r in g.rules if not hasattr(r, "record")]
        for alert in dict.fromkeys(names):
            path = f"prometheus/tests/{alert}.yml"
            if path not in files:
                continue
            tests = (yaml.safe_load(files[path]) or {}).get("tests") or []
            if not tests:
                continue
            test = tests[0]
            every = interval_seconds(str(test.get("interval", "1m")))
            found: Dict[Tuple, List[Tuple[float, float]]] = {}
            for item in test.get("input_series") or []:
                try:
                    node = pp.parse(item["series"])
                except (ValueError, KeyError):
                    continue
                if type(node) is not pp.VectorSelector:
                    continue
                name, equal = _name_and_equals(node)
                if name in taken:
                    continue
                found[labels_of({"__name__": name, **equal})] = self._resample(
                    self._place(expand(str(item.get("values", ""))), every, self._is_counter(name)))
            self.series.update(found)
            taken.update(dict(k)["__name__"] for k in found)

    def _is_counter(self, name: str) -> bool:
        return self.types.get(name) == "counter" or name.endswith(("_total", "_bucket", "_count", "_sum"))

    def _place(self, values: List[float], every: float, counter: bool) -> List[Tuple[float, float]]:
        """A scenario's samples ending at the window's end, carried back to the series' start."""
        known = [(i, v) for i, v in enumerate(values) if not math.isnan(v)]
        if not known:
            return []
        n = len(values)
        first_i, first = known[0]
        slope = 0.0
        if counter and len(known) > 1:
            (i0, v0), (i1, v1) = known[0], known[1]
            slope = (v1 - v0) / (i1 - i0) if v1 >= v0 else 0.0
        out = []
        begin = self._times[0]
        steps_back = int((self.end - (n - 1) * every - begin) // every) + 1
        lift = slope * steps_back  # keeps a counter carried back from going below zero
        for k in range(steps_back, 0, -1):
            t = self.end - (n - 1 - first_i) * every - k * every
            if t >= begin:
                out.append((t, first - slope * k + lift))
        for i, v in enumerate(values):
            if not math.isnan(v) and i >= first_i:
                out.append((self.end - (n - 1 - i) * every, v + lift))
        return out

    def _resample(self, points: List[Tuple[float, float]]) -> List[Tuple[float, float]]:
        """Onto the scrape interval, linearly between a scenario's samples (its gaps stay gaps)."""
        out = []
        times = [t for t, _ in points]
        for t in self._times:
            i = bisect.bisect_right(times, t) - 1
            if i < 0:
                continue
            t0, v0 = points[i]
            if t0 == t or i + 1 == len(points):
                if t - t0 <= self.every * 4:
                    out.append((t, v0))
                continue
            t1, v1 = points[i + 1]
            if t1 - t0 > 90.0 * 60:  # a gap in the scenario
                continue
            out.append((t, v0 + (v1 - v0) * (t - t0) / (t1 - t0)))
        return out

    # -- layer 2: made from the metric's type -----------------------------------------------
    def _up(self, defs) -> None:
        stack = getattr(defs, "stack", None)
        for job in getattr(stack, "jobs", ()) or ():
            target = job.targets[0] if job.targets else DEMO_INSTANCE
            labels = labels_of({"__name__": "up", "job": job.name, "instance": target})
            if not any(dict(k).get("__name__") == "up" and dict(k).get("job") == job.name for k in self.series):
                self.series[labels] = [(t, 1.0) for t in self._times]

    def _instance_for(self, job: Optional[str]) -> str:
        for labels in self.series:
            d = dict(labels)
            if d.get("__name__") == "up" and d.get("job") == job and "instance" in d:
                return d["instance"]
        return DEMO_INSTANCE

    def _synthesize(self, expr: str) -> None:
        """Series for each selector of `expr` that no series answers yet (a metric read with
        two label values gets both), grouped-by labels with two values each."""
        try:
            node = pp.parse(_placeholders(expr))
        except ValueError:
            return
        grouped = [g for g in dict.fromkeys(_groupings(node)) if g not in ("instance", "job", "le")]
        for selector in _selectors(node):
            name, equal = _name_and_equals(selector)
            if not name or name in self._recorded:
                continue
            try:
                wanted = _Selector(selector)
            except Unsupported:
                continue
            if any(wanted.accepts(dict(k)) for k in self.series):
                continue
            base = dict(equal)
            base.setdefault("instance", self._instance_for(base.get("job")))
            for label, value in _regex_examples(selector).items():
                base.setdefault(label, value)
            combos = [base]
            for label in grouped:
                if label in base:
                    continue
                values = _LABEL_VALUES.get(label, (f"{label}-1", f"{label}-2"))
                combos = [{**c, label: v} for c in combos for v in values]
            for n, labels in enumerate(combos):
                if wanted.accepts({"__name__": name, **labels}):
                    self._make(name, labels, n)

    def _make(self, name: str, labels: Dict[str, str], n: int) -> None:
        key = name + repr(sorted(labels.items()))
        if name.endswith("_bucket"):
            family = name[: -len("_bucket")]
            metric = BY_NAME.get(family)
            buckets = list(metric.buckets if metric is not None and metric.buckets else DEFAULT_BUCKETS) + [math.inf]
            median = buckets[len(buckets) // 3]
            rate = 5.0 / (n + 1)
            for le in buckets:
                share = 1.0 if math.isinf(le) else 1 / (1 + (median / le) ** 2)
                self._counter(labels_of({"__name__": name, **labels, "le": "+Inf" if math.isinf(le) else f"{le:g}"}),
                              rate * share, key)
            return
        if "boot_time" in name:  # a fixed moment: uptime grows as it should
            self.series[labels_of({"__name__": name, **labels})] = [(t, self.start - 432000.0) for t in self._times]
            return
        level = _level(name)
        if self._is_counter(name):
            self._counter(labels_of({"__name__": name, **labels}), level / (n + 1), key)
        else:
            self.series[labels_of({"__name__": name, **labels})] = [
                (t, level if level in (0.0, 1.0) and name.endswith("up") else level * (1 + 0.15 * _wave(t, key)) / (n + 1))
                for t in self._times]

    def _counter(self, labels, rate: float, key: str) -> None:
        total, out, last = 0.0, [], self._times[0]
        for t in self._times:
            total += rate * (1 + 0.3 * _wave(t, key)) * (t - last)
            last = t
            out.append((t, total))
        self.series[labels] = out

    # -- layer 3: recording rules -------------------------------------------------------------
    def _records(self, defs, exprs: List[str]):
        """The recording rules the dashboards read, with those they read, in evaluation order."""
        rules = [r for g in getattr(defs, "groups", ()) for r in g.rules if hasattr(r, "record")]
        by_name: Dict[str, list] = {}
        for r in rules:
            by_name.setdefault(r.record, []).append(r)
        wanted: Set[str] = set()
        todo = [name for expr in exprs for name in _metric_names(expr)]
        while todo:
            name = todo.pop()
            if name in by_name and name not in wanted:
                wanted.add(name)
                todo.extend(n for r in by_name[name] for n in _metric_names(r.expr))
        return [r for r in rules if r.record in wanted]

    def _materialize(self, records) -> None:
        every = max(self.evaluation_interval, self.every)
        first = math.floor((self.start - 600) / every) * every
        times = [first + i * every for i in range(int((self.end - first) // every) + 1)]
        engine = Engine(self.series)
        for rule in records:
            try:
                fn = compile_expr(pp.parse(rule.expr))
            except (ValueError, Unsupported):
                continue
            out: Dict[Tuple, List[Tuple[float, float]]] = {}
            for t in times:
                try:
                    value = fn(engine, t)
                except Unsupported:
                    break
                if isinstance(value, float):
                    value = {(): value}
                for labels, v in value.items():
                    d = {k: x for k, x in labels if k != "__name__"}
                    d.update(dict(rule.labels))
                    d["__name__"] = rule.record
                    out.setdefault(labels_of(d), []).append((t, v))
            self.series.update(out)
            engine.add(out)

    # -- the source interface ---------------------------------------------------------------
    def query(self, expr: str, win: Window, instant: bool) -> Answer:
        try:
            fn = compile_expr(pp.parse(expr))
        except ValueError as exc:
            return Answer(error=f"not PromQL: {str(exc).splitlines()[0]}")
        except Unsupported as exc:
            return Answer(error=f"the demo evaluator does not model {exc}")
        times = [win.end] if instant else [win.start + i * win.step for i in range(int((win.end - win.start) // win.step) + 1)]
        found: Dict[Tuple, List[Tuple[float, float]]] = {}
        try:
            for t in times:
                value = fn(self.engine, t)
                if isinstance(value, float):
                    value = {(): value}
                for labels, v in value.items():
                    found.setdefault(labels, []).append((t, v))
        except Unsupported as exc:
            return Answer(error=f"the demo evaluator does not model {exc}")
        return Answer(series=[Series(tuple(sorted(k)), tuple(v)) for k, v in sorted(found.items())])

    def label_values(self, variable_query: str, start: float, end: float) -> List[str]:
        found = re.fullmatch(r"\s*label_values\(\s*(?:(.+?)\s*,\s*)?(\w+)\s*\)\s*", variable_query, re.S)
        if not found:
            return []
        selector, label = found.groups()
        names = set()
        if selector:
            try:
                node = pp.parse(selector)
            except ValueError:
                return []
            if type(node) is not pp.VectorSelector:
                return []
            answer = self.engine._instant(_Selector(node), end)
            names = {dict(k).get(label) for k in answer}
        else:
            names = {dict(k).get(label) for k in self.series}
        return sorted(n for n in names if n)


def _all_panels(dashboard: dict) -> Iterable[dict]:
    for p in dashboard.get("panels") or []:
        yield p
        yield from p.get("panels") or []


def _placeholders(expr: str) -> str:
    """A query with Grafana's variables put in, so it parses: ranges become 5m, others .*"""
    expr = re.sub(r"\$\{?__(rate_)?interval\}?|\$\{?__range\}?", "5m", expr)
    expr = re.sub(r"\[\s*(\$\w+|\$\{[^}]+\}|\[\[\w+\]\])\s*([:\]])", r"[5m\2", expr)  # [$interval]
    return re.sub(r"\$\{[^}]+\}|\$\w+|\[\[\w+\]\]", ".*", expr)


def _metric_names(expr: str) -> List[str]:
    try:
        node = pp.parse(_placeholders(expr))
    except ValueError:
        return []
    return [n for n in (_name_and_equals(s)[0] for s in _selectors(node)) if n]


def _level(name: str) -> float:
    """A plausible level (gauges) or rate per second (counters) from a metric's name."""
    if name == "up" or name.endswith("_up"):
        return 1.0
    if "bytes" in name:
        return 2.0e8
    if "max_connections" in name:
        return 100.0
    if "ratio" in name:
        return 0.5
    return 20.0
