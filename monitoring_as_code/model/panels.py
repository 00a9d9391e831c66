"""Dashboard panels and what they show: queries, units, thresholds."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple, Union

from . import typecheck
from .base import Located, freeze, set_frozen
from .rules import AlertRule


@dataclass(frozen=True)
class Query(Located):
    expr: str
    legend: str = ""
    instant: bool = False


@dataclass(frozen=True)
class Threshold:
    """A colour from `value` upward. `value=None` is Grafana's base step (from -Infinity)."""

    value: Optional[float]
    color: str


@dataclass(frozen=True)
class ThresholdsFrom(Located):
    """Take a panel's thresholds from an alert rule's comparison, so the coloured line sits
    where the alert fires. `complement` and `scale` convert when the panel plots another
    quantity than the alert compares: a disk-used-% panel against a free-space-% alert is
    `complement=100`; a percent panel against a 0–1 ratio alert is `scale=100`."""

    alert: AlertRule
    complement: Optional[float] = None
    scale: float = 1.0


def from_alert(alert: AlertRule, complement: Optional[float] = None, scale: float = 1.0) -> ThresholdsFrom:
    return ThresholdsFrom(alert, complement=complement, scale=scale)


@dataclass(frozen=True)
class GridPos:
    x: int
    y: int
    w: int
    h: int


QueryLike = Union[Query, str]


@dataclass(frozen=True)
class Panel(Located):
    """Fields every panel type shares. Use a concrete type (TimeSeries, Stat, …)."""

    title: str
    queries: Union[Sequence[QueryLike], QueryLike] = ()  # one query may be given alone
    description: str = ""
    unit: str = ""
    min: Optional[float] = None
    max: Optional[float] = None
    decimals: Optional[int] = None
    thresholds: Sequence[Threshold] = ()
    thresholds_from: Union[ThresholdsFrom, AlertRule, None] = None
    width: int = 12
    height: int = 8
    grid_pos: Optional[GridPos] = None
    # A fixed datasource uid instead of the dashboard's variable (lint flags it).
    datasource: str = ""

    grafana_type = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        queries = self.queries
        if isinstance(queries, (str, Query)):
            queries = (queries,)
        # A bare string becomes a Query that points at the panel's own line.
        set_frozen(self, "queries", tuple(
            q if isinstance(q, Query) else Query(q, source=self.source) for q in queries
        ))
        set_frozen(self, "thresholds", freeze(self.thresholds))
        for step in self.thresholds:
            if isinstance(step, Threshold):
                self.add_type_problems(f"Threshold.{p.split('.', 1)[1]}" for p in typecheck.check(step))
        if isinstance(self.grid_pos, GridPos):
            self.add_type_problems(typecheck.check(self.grid_pos))
        if isinstance(self.thresholds_from, AlertRule):
            set_frozen(self, "thresholds_from", ThresholdsFrom(self.thresholds_from, source=self.source))


@dataclass(frozen=True)
class TimeSeries(Panel):
    grafana_type = "timeseries"
    stack: bool = False
    fill_opacity: int = 10
    legend_calcs: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Stat(Panel):
    grafana_type = "stat"
    width: int = 6
    height: int = 4
    reduce: str = "lastNotNull"
    graph_mode: str = "area"
    color_mode: str = "value"


@dataclass(frozen=True)
class Gauge(Panel):
    grafana_type = "gauge"
    width: int = 6
    height: int = 6
    reduce: str = "lastNotNull"


@dataclass(frozen=True)
class BarGauge(Panel):
    grafana_type = "bargauge"
    reduce: str = "lastNotNull"
    orientation: str = "horizontal"
    display_mode: str = "gradient"


@dataclass(frozen=True)
class Table(Panel):
    grafana_type = "table"
    width: int = 24


@dataclass(frozen=True)
class Row(Located):
    """A row header. Panels listed inside it follow it on the grid; a collapsed row keeps
    them inside itself, as Grafana stores collapsed rows."""

    title: str
    panels: Sequence[Panel] = ()
    collapsed: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "panels", freeze(self.panels))
