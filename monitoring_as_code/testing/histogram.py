"""Latency histograms for tests: bucket counters whose chosen quantile is a chosen value."""
from __future__ import annotations

from typing import List, Mapping, Optional, Sequence

from ..contract import histogram_buckets
from ..model.durations import seconds
from .inputs import _round, histogram_masses, selector_text
from .model import Series
from .values import INTERVAL, number, run


def histogram(metric: str, labels: Mapping[str, str], quantile: float, value: float, per_second: float,
              duration: str, buckets: Optional[Sequence[float]] = None, interval: str = INTERVAL) -> List[Series]:
    """`metric`_bucket series growing so that histogram_quantile(quantile, rate(...)) is `value`
    at `per_second` observations per second, for `duration`. Buckets default to the metric
    contract's (or prometheus_client's defaults for unknown metrics)."""
    bounds = tuple(buckets) if buckets else histogram_buckets(metric)
    masses = histogram_masses(bounds, quantile, value, per_second)
    n = int(seconds(duration) / seconds(interval))
    step = seconds(interval)
    out = []
    cumulative = 0.0
    for bound, mass in zip(list(bounds) + [float("inf")], masses):
        cumulative += mass
        le = "+Inf" if bound == float("inf") else number(float(bound))
        selector = selector_text(dict(labels, __name__=f"{metric}_bucket", le=le))
        out.append(Series(selector, run(0, _round(cumulative * step), n)))
    return out
