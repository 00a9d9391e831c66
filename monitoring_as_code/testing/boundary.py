"""Threshold tests derived from a comparison: just past the threshold the alert is pending
until `for` has elapsed, then firing; on the safe side it never fires.

`threshold_tests(rule, "< 15", for_="5m")` states the intended behaviour independently of the
rule (a spec test: change the rule's threshold, comparison or `for` and it fails);
`boundary_tests(rule)` derives the same tests from the rule's own comparison and `for`.
The expected timeline comes from simulating the expression on the generated series (see
engine.py), so rate windows and histogram buckets are accounted for exactly."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

import promql_parser as pp

from .. import promql
from ..dialect import prepare
from ..model.durations import format_seconds, seconds
from ..model.rules import AlertRule, Boundary
from .engine import LOOKBACK, Engine, Unsupported, compile_difference, compile_expr
from .inputs import (DEFAULT_GAUGE, DEFAULT_RATE, CannotDrive, as_engine_input, build_series, notation, plan,
                     selector_text)
from .model import AlertTest, Expectation, Series, not_firing, quiet
from .values import number

MARGIN = 0.02  # how far past the threshold, relative to it (whole numbers from 10 up)
_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


class Clock:
    """The test's resolution: one sample and one rule evaluation every `step` seconds. A
    minute, unless the rule's `for`, keep_firing_for or windows are not whole minutes
    (`for: 30s` is then tested at 30s, not rounded up to the 1m it cannot be told from)."""

    def __init__(self, rule: AlertRule, window: float = 0.0):
        step = 60
        for duration in (rule.for_, rule.keep_firing_for):
            if duration:
                step = math.gcd(step, int(seconds(duration)))
        if window:
            step = math.gcd(step, int(window))
        self.step = max(step, MIN_STEP)

    def n(self, duration) -> int:
        """Steps in a duration (a string or seconds), rounded up."""
        value = seconds(duration) if isinstance(duration, str) else float(duration or 0)
        return int(math.ceil(value / self.step)) if value else 0

    def at(self, n: int) -> str:
        return format_seconds(n * self.step)

    @property
    def interval(self) -> str:
        return format_seconds(self.step)


MIN_STEP = 5  # seconds: finer would only test the rounding of odd durations


def _parse_condition(when: str) -> Tuple[str, float]:
    for op in ("<=", ">=", "==", "!=", "<", ">"):
        if when.strip().startswith(op):
            return op, float(when.strip()[len(op):])
    raise ValueError(f"condition {when!r} must look like '< 15' or '> 0.1'")


def _is_boolean(p, lhs_node) -> bool:
    """`up`-style 0/1 gauges: test with 0 and 1, not 0.98 and 1.02."""
    node = lhs_node
    while isinstance(node, (pp.ParenExpr, pp.AggregateExpr)):
        node = node.expr
    name = getattr(node, "name", "") or ""
    return isinstance(node, pp.VectorSelector) and (name == "up" or name.endswith("_up"))


def default_values(op: str, threshold: float, boolean: bool, fire_factor: float = 1.0,
                   safe_factor: float = 1.0) -> Tuple[float, float]:
    """(fire, safe) values of the compared quantity: MARGIN past the threshold on either side
    (times the factors)."""
    threshold = float(threshold)
    if boolean and 0 < threshold <= 1 and op in ("<", "<="):
        return 0.0, 1.0
    if boolean and threshold == 0 and op == "==":
        return 0.0, 1.0
    delta = abs(threshold) * MARGIN or MARGIN
    if threshold.is_integer() and abs(threshold) >= 10:
        delta = max(1.0, round(delta))  # counts and percentages: whole numbers read better
    up, down = delta * fire_factor, delta * safe_factor
    if op in (">", ">=", "<", "<=") and threshold.is_integer() and abs(threshold) >= 10:
        up, down = float(math.ceil(up - 1e-9)), float(math.ceil(down - 1e-9))
    fire, safe = {">": (threshold + up, threshold - down), ">=": (threshold + up, threshold - down),
                  "<": (threshold - up, threshold + down), "<=": (threshold - up, threshold + down),
                  "==": (threshold, threshold + max(delta, 1)), "!=": (threshold + max(delta, 1), threshold)}[op]
    return float(f"{fire:.12g}"), float(f"{safe:.12g}")


@dataclass(frozen=True)
class Target:
    """What a boundary test moves across the threshold: the compared side of the alert's
    comparison (found through parentheses, aggregations and the left side of and/unless/or),
    or for a comparison of two vectors their difference against 0."""

    node: object  # the compared side, or the comparison itself when `difference`
    op: str
    threshold: float
    difference: bool = False
    comparison: object = None  # the comparison node


def _constant(node) -> Optional[float]:
    """The value of an expression without series or time() (`60 * 60 * 4`), else None."""
    found = []

    def visit(n):
        if isinstance(n, (pp.VectorSelector, pp.MatrixSelector, pp.SubqueryExpr, pp.Call)):
            found.append(n)
        return not found

    pp.walk(node, visit)
    if found:
        return None
    try:
        value = compile_expr(node)(Engine({}), 0.0)
    except (Unsupported, ZeroDivisionError, OverflowError):
        return None
    return value if isinstance(value, float) and math.isfinite(value) else None


def _deciding(node, aggregations: bool):
    """The part of an alert expression that decides which series fire: through parentheses,
    the left side of and/unless/or, and (with `aggregations`) aggregations without a parameter."""
    while True:
        if isinstance(node, pp.ParenExpr):
            node = node.expr
        elif isinstance(node, pp.BinaryExpr) and str(node.op).strip() in ("and", "unless", "or"):
            node = node.lhs
        elif aggregations and isinstance(node, pp.AggregateExpr) and node.param is None:
            node = node.expr
        else:
            return node


def find_target(node) -> Optional[Target]:
    node = _deciding(node, aggregations=True)
    if not (isinstance(node, pp.BinaryExpr) and str(node.op).strip() in _OPS
            and not (node.modifier is not None and node.modifier.return_bool)):
        return None
    op = str(node.op).strip()
    rhs, lhs = _constant(node.rhs), _constant(node.lhs)
    if rhs is not None and lhs is None:
        return Target(node.lhs, op, rhs, comparison=node)
    if lhs is not None and rhs is None:
        return Target(node.rhs, promql.MIRROR[op], lhs, comparison=node)
    if lhs is None and rhs is None:
        return Target(node, op, 0.0, difference=True, comparison=node)
    return None



class _Simulation:
    def __init__(self, rule: AlertRule, knob: str = "", steady=()):
        self.whole = pp.parse(prepare(rule.expr))
        self.target = find_target(self.whole)
        if self.target is None:
            raise CannotDrive("the expression is not a comparison")
        self.lhs = self.target.node
        self._lhs_fn = self._whole_fn = None  # compiled on first use (engine.compile_expr), then reused
        self.plan = plan(rule.expr, knob, dict(steady))
        self.clock = Clock(rule, self.plan.window)
        self.warmup = max(2, self.clock.n(self.plan.window))

    def _engine(self, knob_phases, minutes: int) -> Engine:
        step = self.clock.step
        return Engine(as_engine_input(build_series(self.plan, knob_phases, minutes, step=step), step))

    def _compiled(self, whole: bool):
        if self._lhs_fn is None:
            self._lhs_fn = _compile(self.lhs, compile_difference if self.target.difference else compile_expr)
        if whole and self._whole_fn is None:
            self._whole_fn = _compile(self.whole)
        return self._lhs_fn, self._whole_fn

    def lhs_values(self, knob_phases, minutes: int, only_last: bool = False) -> List[Optional[float]]:
        return [v for v, _ in self.evaluate(knob_phases, minutes, only_last, whole=False)]

    def evaluate(self, knob_phases, minutes: int, only_last: bool = False, whole: bool = True):
        """[(compared value or None, whether the whole expression returns a series)] per step:
        the second is what the alert sees (filters behind `and`/`unless` included)."""
        engine = self._engine(knob_phases, minutes)
        lhs_fn, whole_fn = self._compiled(whole)
        out = []
        for m in range(minutes - 1 if only_last else 0, minutes):
            try:
                result = lhs_fn(engine, m * self.clock.step)
                active = bool(whole_fn(engine, m * self.clock.step)) if whole else None
            except Unsupported as exc:
                raise CannotDrive(f"mac does not model {exc} in PromQL") from exc
            values = list(result.values()) if isinstance(result, dict) else [result]
            if len(values) > 1:
                raise CannotDrive("the compared value has several series for one input each")
            out.append((values[0] if values else None, active))
        return out

    def series(self, knob_phases, minutes: int) -> List[Series]:
        return _written(build_series(self.plan, knob_phases, minutes, step=self.clock.step), self.clock.step)

    def steady(self, knob: float) -> Optional[float]:
        minutes = self.warmup + 2
        return self.lhs_values([(knob, minutes)], minutes, only_last=True)[-1]

    @staticmethod
    def _bracket(f, direction: float):
        """(a, f(a), b) with f changing sign between a and b, growing b away from 0."""
        a = 0.0
        try:
            f_a = f(a)
        except (CannotDrive, ZeroDivisionError):
            a, f_a = direction * 1e-9, f(direction * 1e-9)
        if f_a == 0:
            return a, f_a, a
        b = direction
        for _ in range(60):
            f_b = f(b)
            if not math.isnan(f_b) and (f_b > 0) != (f_a > 0):
                return a, f_a, b
            b *= 2
        return None, None, None

    def solve(self, target: float) -> float:
        """The knob value that puts the compared quantity at `target`."""
        kind = self.plan.knob.kind
        if kind == "histogram":
            return target  # the histogram knob is the quantile itself

        def f(k):
            value = self.steady(k)
            if value is None or math.isnan(value):
                raise CannotDrive("the expression returns nothing for the generated series")
            return value - target

        tolerance = 1e-9 * max(1.0, abs(target))
        # Most compared values are affine in their input (ratios, sums, rates): two
        # evaluations give the line, a third checks it. Bisection is the fallback.
        try:
            f0, f1 = f(0.0), f(1.0)
            if f1 != f0 and math.isfinite(f0) and math.isfinite(f1):
                k = -f0 / (f1 - f0)
                for candidate in (target, float(f"{k:.12g}"), k):
                    if (kind != "counter" or candidate >= 0) and abs(f(candidate)) <= tolerance:
                        return candidate
        except (CannotDrive, ZeroDivisionError):
            pass

        # Inputs are searched on the positive side first; gauges may also go negative.
        lo, f_lo, hi = self._bracket(f, 1.0)
        if lo is None and kind != "counter":
            lo, f_lo, hi = self._bracket(f, -1.0)
        if lo is None:
            raise CannotDrive(f"no input value brings the compared value to {number(target)}")
        if f_lo == 0:
            return lo
        for _ in range(200):
            mid = (lo + hi) / 2
            if (f(mid) > 0) == (f_lo > 0):
                lo = mid
            else:
                hi = mid
            if hi - lo <= 1e-12 * max(1.0, abs(hi)):
                break
        k = (lo + hi) / 2
        # Prefer the plainest input that lands on target: the target itself (a gauge compared
        # as is), then k rounded to fewer decimals or significant digits.
        candidates = [target] + [round(k, d) for d in range(10)] + [float(f"{k:.{d}g}") for d in range(1, 16)]
        for candidate in candidates:
            if (kind != "counter" or candidate >= 0) and abs(f(candidate)) <= tolerance:
                return candidate
        return k


# promtool's unit tests refuse a query that would load more samples than this (measured: a
# [30d] window at one sample a minute fails with "would load too many samples"); a test
# mac derives must never be one promtool rejects, so such windows are not derived.
PROMTOOL_SAMPLE_LIMIT = 10_000


def _check_sample_budget(rule: AlertRule) -> None:
    try:
        ranges = promql.facts(promql.parse(rule.expr)).range_calls
    except (ValueError, TypeError):
        return
    for function, window in ranges:
        clock = Clock(rule, window)
        if window / clock.step >= PROMTOOL_SAMPLE_LIMIT:
            raise CannotDrive(f"{function}() over {format_seconds(window)} needs more samples (one every "
                              f"{clock.interval}) than promtool's unit tests load ({PROMTOOL_SAMPLE_LIMIT:,})")


# The clear margin every compared value keeps from the threshold at every evaluation a test
# asserts, relative to the threshold: Prometheus and mac do the same arithmetic on the same
# samples, but not always in the same order, so a value within a few ulps of the threshold
# could land on either side of it. Exact zeros (a counter that does not move) are exact.
CLEARANCE = 1e-7
# Fire and safe values further from the threshold, in multiples of MARGIN, tried in turn when
# the default ones put some evaluation on the threshold (a rate window's midpoint, say).
# Not round ratios: a round one lands a ramp's step on the threshold again.
_FURTHER = ((1.0, 1.37), (1.29, 1.0), (1.71, 2.13), (2.39, 1.53))


def _timeline(clock: Clock, start: int, onset: int, wait: int) -> List[Expectation]:
    """What a firing test expects: quiet (or not firing, while pending is allowed) from `start`
    until `for` has elapsed since the onset, pending one step before, firing then."""
    expect = []
    if wait:
        expect.append(not_firing((clock.at(start), clock.at(onset + wait - 1))))
        expect.append(Expectation("pending", clock.at(onset + wait - 1)))
    elif onset > start:
        expect.append(quiet((clock.at(start), clock.at(onset - 1))))
    expect.append(Expectation("firing", clock.at(onset + wait)))
    return expect


class _Near(CannotDrive):
    """A compared value the test would assert lands within CLEARANCE of the threshold."""


def threshold_tests(rule: AlertRule, when: str, for_: Optional[str] = None, fire: Optional[float] = None,
                    safe: Optional[float] = None, knob: str = "", steady=(),
                    _generated: bool = False) -> List[AlertTest]:
    """Two tests of `rule` against the behaviour `when` (e.g. "< 15") held for `for_`:
    the compared value just past the threshold → pending, then firing after `for_`;
    just on the safe side → never pending or firing. `knob` and `steady` as in Boundary."""
    op, threshold = _parse_condition(when)
    _check_sample_budget(rule)
    sim = _Simulation(rule, knob, dict(steady) if not isinstance(steady, dict) else steady)
    boolean = _is_boolean(sim.plan, sim.lhs)
    holds = _OPS[op]
    if fire is not None or safe is not None:
        default_fire, default_safe = default_values(op, threshold, boolean)
        pairs = [(default_fire if fire is None else fire, default_safe if safe is None else safe)]
        if not holds(pairs[0][0], threshold) or holds(pairs[0][1], threshold):
            raise ValueError(f"fire={number(pairs[0][0])} must satisfy '{when}' and safe={number(pairs[0][1])} "
                             "must not")
    else:
        pairs = candidate_values(op, threshold, boolean)
    failure = None
    for attempt in _with_quiet_others(sim, rule, knob, steady):
        for fire_value, safe_value in pairs:
            try:
                return _derive(rule, attempt, when, op, threshold, for_, fire_value, safe_value, _generated)
            except CannotDrive as exc:  # another pair may do (a counter cannot go below 0; a tie)
                if failure is None or isinstance(failure, _Near) and not isinstance(exc, _Near):
                    failure = exc
    raise failure


def _with_quiet_others(sim, rule, knob, steady):
    """The simulation, then (unless the user chose steady values) one with the other inputs
    at 0: `increase(a[5m]) + increase(b[5m]) > 0` is quiet only when b does not move either."""
    yield sim
    others = sorted({leaf.selector.name for leaf in sim.plan.leaves if leaf.role == "steady"})
    if not steady and others:
        yield _Simulation(rule, knob, {name: 0.0 for name in others})


def candidate_values(op: str, threshold: float, boolean: bool) -> List[Tuple[float, float]]:
    """(fire, safe) pairs to try, plainest first."""
    pairs = [default_values(op, threshold, boolean)]
    if op in ("==", "!=") or boolean:
        return pairs
    if threshold == 0 and op in (">", "<"):
        pairs.insert(0, (pairs[0][0], 0.0))  # counts and rates cannot go below 0: quiet at exactly 0
    for further_fire, further_safe in _FURTHER:
        pairs.append(default_values(op, threshold, boolean, further_fire, further_safe))
    return pairs


def _derive(rule, sim, when, op, threshold, for_, fire, safe, generated) -> List[AlertTest]:
    holds = _OPS[op]
    clock = sim.clock
    k_fire, k_safe = sim.solve(fire), sim.solve(safe)
    exact_zero = threshold == 0 and safe == 0 and k_safe == 0
    clearance = CLEARANCE * abs(threshold) or 1e-12

    def judge(m: int, value: Optional[float], active: bool, before_start: bool = False) -> bool:
        """Whether the alert's condition holds at step m, refusing what promtool might see
        otherwise."""
        if before_start:
            # While windows fill the alert may flicker; the tests assert nothing before
            # `start`, where it must be inactive (judged below), unless it keeps firing.
            if active and rule.keep_firing_for:
                raise CannotDrive(f"the alert is already active at {clock.at(m)}, before the generated series "
                                  "settle, and keep_firing_for would carry that into the test")
            return False
        if value is not None and op not in ("==", "!=") and abs(value - threshold) < clearance \
                and not (exact_zero and value == 0.0):
            raise _Near(f"at {clock.at(m)} the compared value lands on the threshold ({number(value)}); "
                        "set Boundary(fire=…, safe=…)")
        if value is not None and op in ("==", "!=") and 0 < abs(value - threshold) < clearance:
            raise _Near(f"at {clock.at(m)} the compared value is within rounding of {number(threshold)}")
        true = value is not None and holds(value, threshold)
        if active is None:
            return true  # a spec test states the intended behaviour; promtool checks the rule's
        if true and not active:
            raise CannotDrive(f"at {clock.at(m)} the compared value is past the threshold but the rest of the "
                              "expression (`and`, `unless`, matching) leaves no series")
        if active and not true:
            raise CannotDrive(f"at {clock.at(m)} the expression returns a series while the compared value is on "
                              "the safe side (another branch, `or`?)")
        return true

    wait = clock.n(for_)
    start = sim.warmup
    kwargs = _test_fields(rule, clock, generated)

    # Fires: safe up to and including minute `start`, then past the threshold.
    total = int(start + clock.n(sim.plan.window) + wait + 4)
    phases = [(k_safe, start + 1), (k_fire, total - start - 1)]
    onset = None
    for m, (value, active) in enumerate(sim.evaluate(phases, total, whole=generated)):
        true = judge(m, value, active, before_start=m < start)
        if m == start and true:
            raise CannotDrive("the safe value does not hold long enough before the crossing")
        if true and onset is None:
            onset = m
        elif not true and onset is not None:
            raise CannotDrive(f"the compared value crosses back at {clock.at(m)}")
    if onset is None:
        raise CannotDrive("the generated series never cross the threshold")
    expect = _timeline(clock, start, onset, wait)
    after = f" for {clock.at(wait)}" if wait else ""
    tests = [AlertTest(rule, f"fires at {number(fire)} ({when}{after})", sim.series(phases, total),
                       tuple(expect), generated=generated, **kwargs)]

    # Quiet: on the safe side from the start.
    total = start + wait + 10
    phases = [(k_safe, total)]
    for m, (value, active) in enumerate(sim.evaluate(phases, total, whole=generated)):
        if judge(m, value, active, before_start=m < start) or (m >= start and value is None):
            raise CannotDrive(f"the safe value {number(safe)} does not stay on the safe side at {clock.at(m)}")
    tests.append(AlertTest(rule, f"stays quiet at {number(safe)} (not {when})", sim.series(phases, total),
                           (quiet((clock.at(start), clock.at(total - 1))),), generated=generated, **kwargs))
    return tests


def boundary_tests(rule: AlertRule) -> List[AlertTest]:
    """Tests derived from the rule's own comparison and `for` (opt out with boundary=False);
    for an alert on absence (`absent(...)`) or on presence (no comparison), tests of the
    series missing and present."""
    if rule.boundary is False:
        return []
    settings = rule.boundary if isinstance(rule.boundary, Boundary) else Boundary()
    target = find_target(pp.parse(prepare(rule.expr)))
    if target is None:
        if settings.fire is not None or settings.safe is not None:
            raise CannotDrive("Boundary(fire=…, safe=…) needs a comparison in the expression")
        return presence_tests(rule)
    when = f"{target.op} {number(target.threshold)}"
    return threshold_tests(rule, when, rule.for_, fire=settings.fire,
                           safe=settings.safe, knob=settings.knob, steady=settings.steady, _generated=True)


def _absence_call(node):
    node = _deciding(node, aggregations=False)
    return node if isinstance(node, pp.Call) and node.func.name in ("absent", "absent_over_time") else None


def presence_tests(rule: AlertRule) -> List[AlertTest]:
    """An alert without a comparison fires while its series exist (`absent(x)`: while they do
    not). Every input is present at one value (1, 1000 or 0: the first for which the alert's
    series exist, or for absent() its argument's), then missing, or the other way round."""
    _check_sample_budget(rule)
    whole = pp.parse(prepare(rule.expr))
    absence = _absence_call(whole)
    if not promql.metric_names(rule.expr) and absence is None:
        return _constant_tests(rule, whole)
    p = plan(rule.expr)
    clock = Clock(rule, p.window)
    step = clock.step
    warmup = max(2, clock.n(p.window))
    whole_fn = _compile(whole)
    probe_fn = _compile(absence.args[0]) if absence is not None else whole_fn
    start, wait = warmup, clock.n(rule.for_)

    def run(presence, minutes, fn):
        engine = Engine(as_engine_input(build_series(p, (), minutes, presence, step), step))
        try:
            return [bool(fn(engine, m * step)) for m in range(minutes)]
        except Unsupported as exc:
            raise CannotDrive(f"mac does not model {exc} in PromQL") from exc

    probe_minutes = warmup + 2
    for value in (1.0, DEFAULT_GAUGE, 0.0):
        for leaf in p.leaves:
            leaf.value = DEFAULT_RATE if leaf.kind == "counter" else value
        if run([(True, probe_minutes)], probe_minutes, probe_fn)[-1]:
            break
    else:
        raise CannotDrive("no constant input value makes the series exist"
                          + (" inside absent()" if absence is not None else ""))
    lookback = clock.n(LOOKBACK) + clock.n(p.window)
    safe, fire = ("present", "missing") if absence is not None else ("missing", "present")
    flag = {"present": True, "missing": False}
    kwargs = _test_fields(rule, clock)
    total = start + lookback + wait + 4
    scenario = [(flag[safe], start + 1), (flag[fire], total - start - 1)]
    active = run(scenario, total, whole_fn)
    if active[start]:
        raise CannotDrive(f"the alert is active at {clock.at(start)} with its series {safe}")
    onset = next((m for m in range(start, total) if active[m]), None)
    if onset is None or not all(active[onset:]):
        raise CannotDrive(f"the alert does not fire steadily once its series are {fire}")
    expect = _timeline(clock, start, onset, wait)
    def series(presence, minutes):
        return _written(build_series(p, (), minutes, presence, step), step)

    after = f" for {clock.at(wait)}" if wait else ""
    tests = [AlertTest(rule, f"fires with its series {fire}{after}", series(scenario, total), tuple(expect),
                       generated=True, **kwargs)]
    total = start + wait + 10
    scenario = [(flag[safe], total)]
    if any(run(scenario, total, whole_fn)[start:]):
        raise CannotDrive(f"the alert fires with its series {safe}")
    tests.append(AlertTest(rule, f"stays quiet with its series {safe}", series(scenario, total),
                           (quiet((clock.at(start), clock.at(total - 1))),), generated=True, **kwargs))
    return tests


def _constant_tests(rule: AlertRule, whole) -> List[AlertTest]:
    """An expression that reads no series (`vector(1)`, a watchdog) fires from the start, or
    never: one test says which."""
    clock = Clock(rule)
    wait = clock.n(rule.for_)
    total = wait + 3
    engine, fn = Engine({}), _compile(whole)
    active = [bool(fn(engine, m * clock.step)) for m in range(total)]
    if all(active):
        expect = [Expectation("pending", clock.at(wait - 1))] if wait else []
        expect.append(Expectation("firing", clock.at(wait)))
        return [AlertTest(rule, "always fires (reads no series)", (), tuple(expect), generated=True,
                          **_test_fields(rule, clock))]
    if not any(active):
        raise CannotDrive("the expression reads no series and never returns one: the alert can never fire")
    raise CannotDrive("the expression reads no series and changes with time()")


def _written(built, step: float) -> List[Series]:
    """The series as the test file writes them, after the self-check (as_engine_input): their
    notation expands to exactly the samples simulated."""
    as_engine_input(built, step)
    return [Series(selector_text(dict(labels)), notation(runs)) for labels, runs in sorted(built.items())]


def _test_fields(rule: AlertRule, clock: Clock, generated: bool = True) -> dict:
    """AlertTest fields every derived test shares: its resolution, and the rule's line."""
    fields = {"interval": clock.interval}
    if generated and rule.source:
        fields["source"] = rule.source
    return fields


def _compile(node, compiler=compile_expr):
    try:
        return compiler(node)
    except Unsupported as exc:
        raise CannotDrive(f"mac does not model {exc} in PromQL") from exc
