"""Service level objectives: an SLO compiles to recording rules, multi-window multi-burn-rate
alerts (Google's SRE workbook, "Alerting on SLOs"), their derived tests and a dashboard
(monitoring_as_code/slo/)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

from .base import Located, freeze, set_frozen

# The workbook's tiers for a 30-day period: (burn-rate factor, long window, short window, kind).
# A factor f over a window w spends f·w/period of the budget: 14.4 × 1h = 2 % of 30 days.
WORKBOOK = (
    (14.4, "1h", "5m", "page"),
    (6.0, "6h", "30m", "page"),
    (3.0, "1d", "2h", "ticket"),
    (1.0, "3d", "6h", "ticket"),
)
WORKBOOK_PERIOD = "30d"


@dataclass(frozen=True)
class Ratio(Located):
    """errors / total, both counters: a selector (`http_requests_total{job="api", status=~"5.."}`,
    which mac wraps in `sum(rate(…[window]))`) or an expression with a `{window}` placeholder
    (`sum(rate(http_requests_total{job="api", code=~"5.."}[{window}]))`)."""

    errors: str
    total: str


@dataclass(frozen=True)
class Latency(Located):
    """The requests slower than `threshold` seconds are the errors: total = the histogram's
    `_count`, good = its `_bucket{le="<threshold>"}`; `threshold` must be one of its bucket
    boundaries. selector: the matchers inside braces, `job="api"`."""

    histogram: str
    threshold: float
    selector: str = ""


@dataclass(frozen=True)
class Availability(Located):
    """The share of scrapes in which the target was down: `up{…} == 0` samples over all
    samples of up_selector (`up{job="api"}`)."""

    up_selector: str


@dataclass(frozen=True)
class Tier:
    """One burn-rate alert: it fires when the error ratio exceeds factor × error budget over
    both the long and the short window. severity: the alert's severity; kind: "page" or
    "ticket" (a page inhibits the tickets of the same SLO in the Alertmanager route)."""

    factor: float
    long: str
    short: str
    severity: str
    kind: str = "page"


@dataclass(frozen=True)
class BurnRate(Located):
    """Which burn-rate alerts an SLO gets. page / ticket: the workbook's two page tiers
    (14.4× over 1h and 5m, 6× over 6h and 30m) and two ticket tiers (3× over 1d and 2h, 1× over
    3d and 6h), windows scaled to the SLO's period; their severities. tiers: tiers of your own,
    as Tier(...) or (factor, long, short, severity), used instead of the workbook's."""

    page: bool = True
    ticket: bool = True
    page_severity: str = "critical"
    ticket_severity: str = "warning"
    tiers: Sequence[Any] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "tiers", freeze(self.tiers))


@dataclass(frozen=True)
class SLO(Located):
    """`SLO("api-availability", service="api", objective=99.9, period="30d", sli=Ratio(...))`.

    objective: the percentage of good events over `period` (0 < objective < 100). The period
    SLI is recorded exactly, `sum(increase(errors[period])) / sum(increase(total[period]))`;
    chained_period=True records it from the 1-hour ratios instead (cheaper on large series
    counts, an average of averages: lint warns)."""

    name: str
    service: str
    sli: Union[Ratio, Latency, Availability]
    objective: float = 99.9
    period: str = "30d"
    alerts: BurnRate = field(default_factory=BurnRate)
    labels: Union[Mapping[str, str], Tuple[Tuple[str, str], ...]] = ()
    description: str = ""
    # The burn-rate alerts' runbook_url annotation.
    runbook_url: str = ""
    chained_period: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.labels, Mapping):
            set_frozen(self, "labels", tuple(sorted(self.labels.items())))

    @property
    def budget(self) -> float:
        """The error budget as a ratio: 0.001 for 99.9 %."""
        return round(1 - self.objective / 100, 12)

    def alert(self, window: str):
        """The generated burn-rate alert whose long window is `window` ("1h"), for hand-written
        AlertTests: the very object the compiled rule group holds."""
        from ..slo import generated

        for tier, rule in generated(self).alerts:
            if tier.long == window:
                return rule
        raise KeyError(f"SLO {self.name} has no burn-rate alert over {window}")


__all__ = ["Availability", "BurnRate", "Latency", "Ratio", "SLO", "Tier", "WORKBOOK"]
