"""Tests derived for each burn-rate tier, run by promtool like every other alert test.

Traffic is a steady 100 requests per second. After a warmup that fills the tier's long window
with good requests, errors start at a fixed ratio (or, for the spike, for one short window):

- just above the tier (1.05 × factor × budget): fires, at the time mac's simulator computes;
- just below it (0.95 × factor × budget): never pending nor firing;
- a spike only the short window sees (factor × budget × √(long/short) for one short window):
  never pending nor firing, which is what the long window is for;
- 0.9 × the budget (0.09 % for 99.9 %): never pending nor firing;
- for the fastest tier also a total outage and 20 × the budget (2 % for 99.9 %): fire, at the
  computed time.

When does it fire? Both windows' error ratios rise monotonically after the errors start (each is
the errors' increase over the total's between the same samples), so the simulator
(testing/engine.py, the PromQL mac's threshold tests are derived with) finds the first evaluation
at which both exceed the threshold by bisection; the alert fires `for` later. The test says so,
and checks it is not firing one evaluation earlier."""
from __future__ import annotations

import math
from typing import Dict, List, Optional, Tuple

import promql_parser as pp

from ..model.durations import seconds
from ..model.slo import SLO, Availability, Latency, Ratio, Tier
from ..testing.engine import Engine, compile_expr, matches
from ..testing.inputs import _regex_example, _violating, selector_text
from ..testing.model import AlertTest, Series, fires, not_firing, quiet
from ..testing.values import expand, run
from . import WINDOW, for_of, number, sli_expressions, window_name

RATE = 100.0  # requests per second


class CannotDerive(ValueError):
    pass


class Uncovered(CannotDerive):
    """The total selector does not count the error series: lint's slo/total-covers-errors
    reports it at the SLO, and no tests are derived (they would count wrong)."""


def _labels_for(selector: str) -> Dict[str, str]:
    node = pp.parse(selector)
    if not isinstance(node, pp.VectorSelector):
        raise CannotDerive(f"{selector} is not a plain selector")
    out: Dict[str, str] = {}
    by_name: Dict[str, list] = {}
    for m in node.matchers.matchers:
        by_name.setdefault(m.name, []).append(m)
    if node.name:
        out["__name__"] = node.name
    for name, ms in by_name.items():
        if name == "__name__":
            continue
        candidates = [m.value for m in ms if str(m.op).endswith("Equal") and not str(m.op).endswith("NotEqual")]
        candidates += [_regex_example(m.value) for m in ms if str(m.op).endswith(".Re")] + ["mac-test", "1"]
        value = next((c for c in candidates if all(matches(m, c) for m in ms)), None)
        if value is None:
            raise CannotDerive(f"no value of label {name!r} satisfies {selector}")
        if value:
            out[name] = value
    if "__name__" not in out:
        raise CannotDerive(f"{selector} names no metric")
    return out


def _accepts(selector: str, labels: Dict[str, str]) -> bool:
    node = pp.parse(selector)
    if node.name and labels.get("__name__") != node.name:
        return False
    return all(matches(m, labels.get(m.name, "")) for m in node.matchers.matchers if m.name != "__name__")


def series_plan(slo: SLO) -> Tuple[Dict[str, str], Dict[str, str]]:
    """(labels of an error series, labels of a good series): for Ratio, a series the errors
    selector takes (and the total's), and one only the total takes; for Latency, the
    histogram's _count and its bucket at the threshold."""
    sli = slo.sli
    if isinstance(sli, Ratio):
        if WINDOW in sli.errors or WINDOW in sli.total:
            raise CannotDerive("tests are derived for selectors; an expression with {window} needs AlertTests")
        bad = _labels_for(sli.errors)
        if not _accepts(sli.total, bad):
            raise Uncovered("the total selector does not take the error series (total ⊇ errors)")
        node = pp.parse(sli.errors)
        for m in node.matchers.matchers:
            for value in _violating(m):
                good = dict(bad)
                if value:
                    good[m.name] = value
                else:
                    good.pop(m.name, None)
                if _accepts(sli.total, good) and not _accepts(sli.errors, good):
                    return bad, good
        raise Uncovered("no series is taken by the total selector and not by the errors selector")
    if isinstance(sli, Latency):
        base = _labels_for(f"{sli.histogram}_count{{{sli.selector}}}" if sli.selector.strip() else f"{sli.histogram}_count")
        bucket = dict(base, __name__=f"{sli.histogram}_bucket", le=number(sli.threshold))
        return base, bucket
    raise CannotDerive("tests are derived for Ratio and Latency SLIs; write AlertTests for Availability")


def _notation(samples: List[float]) -> str:
    """Counter samples as promtool's runs (`a+bxN`), one run per stretch of equal steps."""
    out, i = [], 0
    while i < len(samples):
        if i + 1 == len(samples):
            out.append(number(samples[i]))
            break
        inc, j = samples[i + 1] - samples[i], i + 1
        while j + 1 < len(samples) and math.isclose(samples[j + 1] - samples[j], inc, rel_tol=0, abs_tol=1e-9):
            j += 1
        out.append(run(samples[i], inc, j - i + 1))
        i = j + 1
    return " ".join(out)


class Scenario:
    """Series of a steady RATE with the error ratio given per stretch of time."""

    def __init__(self, slo: SLO, segments: List[Tuple[float, float]], step: int):
        bad_labels, good_labels = series_plan(slo)
        self.step, self.slo = step, slo
        errors, other = [0.0], [0.0]
        for duration, ratio in segments:
            for _ in range(int(duration // step)):
                e = round(ratio * RATE * step, 9)
                errors.append(errors[-1] + e)
                other.append(other[-1] + round(RATE * step, 9) - (e if isinstance(slo.sli, Ratio) else 0.0))
        if isinstance(slo.sli, Latency):  # _count takes every request; the bucket the good ones
            count, good = other, [o - e for o, e in zip(other, errors)]
            self.series = [(bad_labels, _notation(count)), (good_labels, _notation(good))]
        else:
            self.series = [(bad_labels, _notation(errors)), (good_labels, _notation(other))]
        self.engine = Engine({tuple(sorted(labels.items())): [(k * step, v) for k, v in enumerate(expand(text))]
                              for labels, text in self.series})
        self.end = (len(errors) - 1) * step

    def holds(self, condition, t: float) -> bool:
        return bool(condition(self.engine, float(t)))

    def input(self) -> List[Series]:
        return [Series(selector_text(labels), text) for labels, text in self.series]


def condition(slo: SLO, tier: Tier):
    """The alert's condition with its recorded series written out (the recording rules run
    before the alert in the same group, at the same evaluation)."""
    def ratio(window):
        errors, total = sli_expressions(slo, window)
        return f"(({errors}) / ({total})) / {number(slo.budget)} > {number(tier.factor)}"
    return compile_expr(pp.parse(f"{ratio(tier.long)} and {ratio(tier.short)}"))


def _t(value: float) -> str:
    return window_name(value) if value else "0s"


def first_true(scenario: Scenario, cond, start: int, end: int) -> Optional[int]:
    """The first evaluation in [start, end] at which the (monotone) condition holds (rules are
    evaluated at every sample: emit/promtool_tests.py sets evaluation_interval to the test's)."""
    every = scenario.step
    lo, hi = start // every, end // every
    if not scenario.holds(cond, hi * every):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if scenario.holds(cond, mid * every):
            hi = mid
        else:
            lo = mid + 1
    return lo * every


def _percent(ratio: float) -> str:
    return f"{ratio * 100:.3g} %"


def tier_tests(slo: SLO, tier: Tier, alert, fastest: bool) -> List[AlertTest]:
    long, short, wait = seconds(tier.long), seconds(tier.short), seconds(for_of(tier))
    # Samples and evaluations every step: six or more in the short window, so promtool
    # evaluates a 3-day tier over six days in a second, not in minutes.
    step = max([60] + [s for s in (60, 300, 900, 3600) if s <= short / 6])
    threshold = tier.factor * slo.budget
    cond = condition(slo, tier)
    onset = int(long) + step
    where = {"source": slo.source, "generated": True, "interval": window_name(step)}
    out = []

    def firing(ratio: float, label: str) -> Optional[AlertTest]:
        horizon = onset + long + short + wait + 2 * step
        sc = Scenario(slo, [(onset, 0.0), (horizon - onset, ratio)], step)
        start = first_true(sc, cond, onset, onset + long + short)
        if start is None:
            raise CannotDerive(f"{alert.name}: {label} does not fire within {tier.long} (mac's simulation)")
        # Firing at the first evaluation at least `for` after it became pending.
        at = start + int(math.ceil(wait / step) * step)
        name = f"{label} fires {_t(at - onset)} after the errors start ({_t(at)})"
        return AlertTest(alert=alert, name=name, series=sc.input(),
                         expect=[not_firing((_t(onset), _t(at - step))), fires(_t(at))], **where)

    def silent(segments, label: str, until: float) -> AlertTest:
        sc = Scenario(slo, segments, step)
        return AlertTest(alert=alert, name=label, series=sc.input(),
                         expect=[quiet((_t(onset), _t(until)))], **where)

    above = min(1.0, threshold * 1.05)
    out.append(firing(above, f"{_percent(above)} errors ({number(round(above / slo.budget, 4))}× budget, "
                             f"just above {number(tier.factor)}×)"))
    if fastest:
        out.append(firing(1.0, "a total outage (100 % errors)"))
        if 20 * slo.budget <= 1 and 20 > tier.factor * 1.05:
            out.append(firing(20 * slo.budget, f"{_percent(20 * slo.budget)} errors (20× budget)"))
    end = onset + long + short + wait + 2 * step
    below = threshold * 0.95
    out.append(silent([(onset, 0.0), (end - onset, below)],
                      f"{_percent(below)} errors ({number(round(below / slo.budget, 4))}× budget, just below "
                      f"{number(tier.factor)}×) never fires", end))
    budget_level = 0.9 * slo.budget
    out.append(silent([(onset, 0.0), (end - onset, budget_level)],
                      f"{_percent(budget_level)} errors (0.9× budget) never fires", end))
    spike = min(1.0, threshold * math.sqrt(long / short))
    spike_end = onset + long
    out.append(silent([(onset, 0.0), (short, spike), (spike_end - onset - short + step, 0.0)],
                      f"a {tier.short} spike of {_percent(spike)} errors (only the {tier.short} window sees it) "
                      f"never fires", spike_end))
    return out


def slo_tests(alert) -> List[AlertTest]:
    """The derived tests of a generated burn-rate alert (empty for other alerts)."""
    origin = alert.__dict__.get("_slo")
    if origin is None:
        return []
    slo, tier, fastest = origin
    if isinstance(slo.sli, Availability):
        raise CannotDerive("tests are derived for Ratio and Latency SLIs; write AlertTests for Availability")
    try:
        return tier_tests(slo, tier, alert, fastest)
    except Uncovered:
        return []
