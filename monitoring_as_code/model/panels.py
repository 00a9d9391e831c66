"""Dashboard panels and what they show: queries, units, thresholds."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

from .. import options as o
from . import jsonmap, typecheck
from .base import Located, freeze, set_frozen
from .fieldconfig import Link, Override, ValueMapping
from .rules import AlertRule

# A datasource: "" is the dashboard's datasource variable (mac's default), a string is a
# datasource uid of the panel's plugin type, a DataSourceRef names type and uid, and None
# writes no reference (Grafana's default datasource).
DataSource = Union[str, o.DataSourceRef, None]


class DataSourceName(str):
    """A datasource named by a bare string, written as it is: the form dashboards older than
    schema 36 use ("$datasource", "Prometheus"), which Grafana still resolves by name or uid."""

    def __repr__(self) -> str:
        return f"DataSourceName({str(self)!r})"


@dataclass(frozen=True)
class Query(Located):
    """A Prometheus query (a panel target). Unset fields (None) are not written: the
    panel's datasource, Grafana's defaults. `ref_id` defaults to A, B, C… by position."""

    expr: str
    legend: str = ""
    instant: bool = False
    range: Optional[bool] = None
    format: Optional[str] = None  # time_series, table, heatmap
    interval: Optional[str] = None
    interval_factor: Optional[int] = None
    step: Optional[int] = None
    exemplar: Optional[bool] = None
    hide: Optional[bool] = None
    editor_mode: Optional[str] = None  # code, builder
    query_type: Optional[str] = None  # another datasource's kind of query (Loki: range, instant)
    ref_id: Optional[str] = None
    # A DataSourceRef, or a bare string written as it is (a name, uid or "$variable").
    datasource: Union[str, o.DataSourceRef, None] = None
    # Keys of the target the fields above do not cover (another datasource's query).
    extra: Mapping[str, Any] = field(default_factory=dict)

    CHOICES = {"format": ("time_series", "table", "heatmap"), "editor_mode": ("code", "builder")}

    def __post_init__(self) -> None:
        super().__post_init__()
        for name, allowed in self.CHOICES.items():
            value = getattr(self, name)
            if isinstance(value, str) and value not in allowed:
                self.add_type_problems([f"Query.{name} is {value!r}, not one of {', '.join(map(repr, allowed))}"])
        _check_json(self, ("datasource",))


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
    # None: mac's choice (none; a single green step on Stat, Gauge and BarGauge); [] writes
    # a thresholds config without steps.
    thresholds: Optional[Sequence[Threshold]] = None
    thresholds_from: Union[ThresholdsFrom, AlertRule, None] = None
    width: int = 12
    height: int = 8
    grid_pos: Optional[GridPos] = None
    # A fixed datasource instead of the dashboard's variable (lint flags it); see DataSource.
    datasource: DataSource = ""
    # The rest of fieldConfig.defaults (written only when set).
    threshold_mode: str = "absolute"  # or "percentage"
    color: Optional[o.FieldColor] = None
    mappings: Sequence[ValueMapping] = ()
    no_value: Optional[str] = None
    display_name: Optional[str] = None
    null_value_mode: Optional[str] = None  # null, connected, null as zero (what the graph panel wrote)
    unit_scale: Optional[bool] = None
    field_min_max: Optional[bool] = None
    field_links: Sequence[Link] = ()
    overrides: Sequence[Override] = ()
    # The panel type's own option classes (options, fieldConfig.defaults.custom): the
    # subclasses narrow these to their generated classes (TimeSeriesOptions, …).
    # (A type without generated classes takes plain dicts.)
    options: Union[jsonmap.JsonObject, Mapping[str, Any], None] = None
    custom: Union[jsonmap.JsonObject, Mapping[str, Any], None] = None
    transformations: Sequence[o.Transformation] = ()
    links: Sequence[Link] = ()
    repeat: Optional[str] = None
    repeat_direction: Optional[str] = None  # h, v
    max_per_row: Optional[int] = None
    interval: Optional[str] = None
    max_data_points: Optional[int] = None
    time_from: Optional[str] = None  # a relative time of the panel's own ("1h")
    time_shift: Optional[str] = None
    hide_time_override: Optional[bool] = None
    transparent: Optional[bool] = None
    plugin_version: Optional[str] = None
    cache_timeout: Optional[str] = None
    query_caching_ttl: Optional[int] = None
    # Escape hatches: keys of fieldConfig.defaults and of the panel the typed fields do not
    # cover, merged into the output over what mac writes (objects key by key).
    field_extra: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    grafana_type = ""

    @property
    def panel_type(self) -> str:
        return self.grafana_type

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
        for step in self.thresholds or ():
            if isinstance(step, Threshold):
                self.add_type_problems(f"Threshold.{p.split('.', 1)[1]}" for p in typecheck.check(step))
        if isinstance(self.grid_pos, GridPos):
            self.add_type_problems(typecheck.check(self.grid_pos))
        if isinstance(self.thresholds_from, AlertRule):
            set_frozen(self, "thresholds_from", ThresholdsFrom(self.thresholds_from, source=self.source))
        for name in ("mappings", "field_links", "overrides", "transformations", "links"):
            set_frozen(self, name, freeze(getattr(self, name)))
        if self.threshold_mode not in ("absolute", "percentage"):
            self.add_type_problems([f"{type(self).__name__}.threshold_mode is {self.threshold_mode!r}, "
                                    "not 'absolute' or 'percentage'"])
        if self.repeat_direction not in (None, "h", "v"):
            self.add_type_problems([f"{type(self).__name__}.repeat_direction is {self.repeat_direction!r}, "
                                    "not 'h' or 'v'"])
        _check_json(self, ("color", "mappings", "field_links", "overrides", "options", "custom",
                           "transformations", "links", "datasource"))


def _check_json(obj, names) -> None:
    """Type problems inside the JSON objects a model object holds (options, overrides, …)."""
    for name in names:
        value = getattr(obj, name)
        for item in (value if isinstance(value, tuple) else (value,)):
            if isinstance(item, jsonmap.JsonObject):
                obj.add_type_problems(f"{type(obj).__name__}.{p.split('.', 1)[1]}" if p.count(".") else p
                                      for p in jsonmap.problems(item, f"{type(obj).__name__}.{name}"))


@dataclass(frozen=True)
class TimeSeries(Panel):
    grafana_type = "timeseries"
    stack: bool = False
    fill_opacity: int = 10
    legend_calcs: Tuple[str, ...] = ()
    options: Optional[o.TimeSeriesOptions] = None
    custom: Optional[o.TimeSeriesFieldConfig] = None


@dataclass(frozen=True)
class Stat(Panel):
    grafana_type = "stat"
    width: int = 6
    height: int = 4
    reduce: str = "lastNotNull"
    graph_mode: str = "area"
    color_mode: str = "value"
    options: Optional[o.StatOptions] = None


@dataclass(frozen=True)
class Gauge(Panel):
    grafana_type = "gauge"
    width: int = 6
    height: int = 6
    reduce: str = "lastNotNull"
    options: Optional[o.GaugeOptions] = None


@dataclass(frozen=True)
class BarGauge(Panel):
    grafana_type = "bargauge"
    reduce: str = "lastNotNull"
    orientation: str = "horizontal"
    display_mode: str = "gradient"
    options: Optional[o.BarGaugeOptions] = None


@dataclass(frozen=True)
class Table(Panel):
    grafana_type = "table"
    width: int = 24
    options: Optional[o.TableOptions] = None
    custom: Optional[o.TableFieldConfig] = None


@dataclass(frozen=True)
class Text(Panel):
    """Markdown or HTML text. Text("Notes", content="**Hello**")."""

    grafana_type = "text"
    content: Optional[str] = None
    mode: Optional[str] = None  # markdown (Grafana's default), html, code
    options: Optional[o.TextOptions] = None


@dataclass(frozen=True)
class Heatmap(Panel):
    grafana_type = "heatmap"
    options: Optional[o.HeatmapOptions] = None
    custom: Optional[o.HeatmapFieldConfig] = None


@dataclass(frozen=True)
class PieChart(Panel):
    grafana_type = "piechart"
    options: Optional[o.PieChartOptions] = None
    custom: Optional[o.PieChartFieldConfig] = None


@dataclass(frozen=True)
class StateTimeline(Panel):
    grafana_type = "state-timeline"
    options: Optional[o.StateTimelineOptions] = None
    custom: Optional[o.StateTimelineFieldConfig] = None


@dataclass(frozen=True)
class StatusHistory(Panel):
    grafana_type = "status-history"
    options: Optional[o.StatusHistoryOptions] = None
    custom: Optional[o.StatusHistoryFieldConfig] = None


@dataclass(frozen=True)
class Histogram(Panel):
    grafana_type = "histogram"
    options: Optional[o.HistogramOptions] = None
    custom: Optional[o.HistogramFieldConfig] = None


@dataclass(frozen=True)
class BarChart(Panel):
    grafana_type = "barchart"
    options: Optional[o.BarChartOptions] = None
    custom: Optional[o.BarChartFieldConfig] = None


@dataclass(frozen=True)
class Logs(Panel):
    grafana_type = "logs"
    options: Optional[o.LogsOptions] = None


@dataclass(frozen=True)
class Geomap(Panel):
    grafana_type = "geomap"
    options: Optional[o.GeomapOptions] = None


@dataclass(frozen=True)
class NodeGraph(Panel):
    grafana_type = "nodeGraph"
    options: Optional[o.NodeGraphOptions] = None


@dataclass(frozen=True)
class DashList(Panel):
    grafana_type = "dashlist"
    options: Optional[o.DashListOptions] = None


@dataclass(frozen=True)
class AnnoList(Panel):
    grafana_type = "annolist"
    options: Optional[o.AnnoListOptions] = None


@dataclass(frozen=True)
class AlertList(Panel):
    """Grafana's alert list. Its options have no published schema: a plain dict."""

    grafana_type = "alertlist"
    options: Optional[Mapping[str, Any]] = None


@dataclass(frozen=True)
class PluginPanel(Panel):
    """A panel of a type mac has no class for (a plugin): `type` names it, `options` and
    `custom` are plain dicts, written as given."""

    type: str = ""
    options: Optional[Mapping[str, Any]] = None
    custom: Optional[Mapping[str, Any]] = None

    @property
    def panel_type(self) -> str:
        return self.type


@dataclass(frozen=True)
class Row(Located):
    """A row header. Panels listed inside it follow it on the grid; a collapsed row keeps
    them inside itself, as Grafana stores collapsed rows."""

    title: str
    panels: Sequence[Panel] = ()
    collapsed: bool = False
    repeat: Optional[str] = None
    grid_pos: Optional[GridPos] = None
    datasource: DataSource = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "panels", freeze(self.panels))
        if isinstance(self.grid_pos, GridPos):
            self.add_type_problems(typecheck.check(self.grid_pos))
