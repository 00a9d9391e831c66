"""Grafana dashboard JSON (classic model, schemaVersion 41) from mac's model.

Written straight from the model to plain data: no nulls, no legacy keys, only what the
v11.6 schema defines; Grafana fills its own defaults for the rest when it loads."""
from __future__ import annotations

import functools
import json
import string
from typing import Dict

from ..model import Dashboard, DatasourceVariable, Panel, QueryVariable, Row
from ..model.jsonmap import JsonObject, merge, plain
from ..model.panels import DataSourceName, BarGauge, Gauge, Stat, Table, Text, TimeSeries
from ..model.variables import AdHocVariable, CustomVariable, IntervalVariable
from ..options import DataSourceRef
from ..thresholds import SAFE_COLOR, derive

SCHEMA_VERSION = 41
# The base step's value. The v11.6 schema requires a number (Grafana itself writes null,
# which fails it) and Grafana replaces the first step's value with -Infinity when it loads a
# dashboard; the most negative finite double means "from the bottom" in valid JSON.
BASE = -1.7976931348623157e308
BUILTIN_ANNOTATIONS = {
    "builtIn": 1,
    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
    "enable": True,
    "hide": True,
    "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts",
    "type": "dashboard",
}


@functools.lru_cache(maxsize=None)
def ref_id(index: int) -> str:
    """A, B, …, Z, AA, AB, …: Grafana's own sequence."""
    letters = string.ascii_uppercase
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = letters[rem] + out
    return out


def _datasource(dashboard: Dashboard) -> dict:
    var = dashboard.datasource_variable
    if var is None:
        return {"type": "prometheus", "uid": "${datasource}"}
    return {"type": var.plugin, "uid": "${%s}" % var.name}


def _ref(value, ds: dict):
    """A model datasource as JSON: "" the dashboard's variable, a uid of the same plugin
    type, a DataSourceRef as written; None: no reference (the caller leaves the key out)."""
    if value == "" and not isinstance(value, DataSourceName):
        return ds
    if isinstance(value, DataSourceName):
        return str(value)
    if isinstance(value, str):
        return {"type": ds["type"], "uid": value}
    if isinstance(value, DataSourceRef):
        return plain(value)
    return None


def _put(out: dict, key: str, value) -> None:
    """Set key when the model gives a value (None, and what is empty as JSON, are not written)."""
    if value is None:
        return
    data = plain(value)
    if data == [] or data == {}:
        return
    out[key] = data


def _steps(panel: Panel):
    if panel.thresholds_from is not None:
        try:
            steps = derive(panel.thresholds_from)
        except ValueError:
            return None  # panel/thresholds-from reports it, and nothing is written then
    elif panel.thresholds is not None:
        steps = panel.thresholds
    else:
        return None
    return {"mode": panel.threshold_mode, "steps": [
        {"color": s.color, "value": BASE if s.value is None else s.value} for s in steps]}


def _reduce(calc: str) -> dict:
    return {"calcs": [calc], "fields": "", "values": False}


def _field_defaults(panel: Panel) -> dict:
    defaults = {}
    for key in ("unit", "min", "max", "decimals"):
        value = getattr(panel, key)
        if value not in (None, ""):
            defaults[key] = value
    thresholds = _steps(panel)
    if isinstance(panel, TimeSeries):
        defaults["color"] = {"mode": "palette-classic"}
        custom = {"fillOpacity": panel.fill_opacity}
        if panel.stack:
            custom["stacking"] = {"group": "A", "mode": "normal"}
        if thresholds:
            custom["thresholdsStyle"] = {"mode": "line"}
        defaults["custom"] = custom
    elif isinstance(panel, (Stat, Gauge, BarGauge)):
        defaults["color"] = {"mode": "thresholds"}
        # Without steps Grafana would colour values red above its default 80.
        thresholds = thresholds or {"mode": "absolute", "steps": [{"color": SAFE_COLOR, "value": BASE}]}
    if thresholds:
        defaults["thresholds"] = thresholds
    # What the model says beyond mac's choices, over them.
    typed = {}
    _put(typed, "color", panel.color)
    _put(typed, "mappings", panel.mappings)
    _put(typed, "noValue", panel.no_value)
    _put(typed, "displayName", panel.display_name)
    _put(typed, "nullValueMode", panel.null_value_mode)
    _put(typed, "unitScale", panel.unit_scale)
    _put(typed, "fieldMinMax", panel.field_min_max)
    _put(typed, "links", panel.field_links)
    _put(typed, "custom", panel.custom)
    if typed or panel.field_extra:
        defaults = merge(merge(defaults, typed), panel.field_extra)
    return defaults


# Grafana 11's own option defaults per panel type: written only where mac's choice differs,
# which keeps dashboards small and a reviewer's diff about what was chosen.
def _options(panel: Panel) -> dict:
    out = _mac_options(panel)
    if panel.options is not None:
        out = merge(out, plain(panel.options) if isinstance(panel.options, JsonObject) else panel.options)
    return out


def _mac_options(panel: Panel) -> dict:
    if isinstance(panel, Text):
        out = {}
        _put(out, "content", panel.content)
        _put(out, "mode", panel.mode)
        return out
    if isinstance(panel, TimeSeries):
        out = {"tooltip": {"mode": "multi", "sort": "desc"}}
        if panel.legend_calcs:
            out["legend"] = {"calcs": list(panel.legend_calcs), "displayMode": "table", "placement": "bottom",
                             "showLegend": True}
        return out
    out = {}
    if isinstance(panel, (Stat, Gauge, BarGauge)) and panel.reduce != "lastNotNull":
        out["reduceOptions"] = _reduce(panel.reduce)
    if isinstance(panel, Stat):
        if panel.color_mode != "value":
            out["colorMode"] = panel.color_mode
        if panel.graph_mode != "area":
            out["graphMode"] = panel.graph_mode
    if isinstance(panel, BarGauge):
        out["displayMode"] = panel.display_mode
        out["orientation"] = panel.orientation
    return out


_TARGET_FIELDS = (("range", "range"), ("format", "format"), ("interval", "interval"),
                  ("interval_factor", "intervalFactor"), ("step", "step"), ("exemplar", "exemplar"),
                  ("hide", "hide"), ("editor_mode", "editorMode"), ("query_type", "queryType"))


def _target(query, index: int, table: bool, ds: dict) -> dict:
    """Targets inherit the panel's datasource unless they name one; range queries are
    Grafana's default. A table shows one row per series: its queries are instant tables
    unless the query says otherwise."""
    target = {"expr": query.expr, "refId": query.ref_id if query.ref_id is not None else ref_id(index)}
    if query.legend:
        target["legendFormat"] = query.legend
    if query.instant or (table and query.format is None and query.range is None):
        target.update(instant=True, range=False, format="table")
    for name, key in _TARGET_FIELDS:
        _put(target, key, getattr(query, name))
    if isinstance(query.datasource, str):
        target["datasource"] = str(query.datasource)  # a name, uid or "$variable", as written
    elif query.datasource is not None:
        target["datasource"] = _ref(query.datasource, ds)
    return merge(target, query.extra) if query.extra else target


_PANEL_FIELDS = (("transformations", "transformations"), ("links", "links"), ("repeat", "repeat"),
                 ("repeat_direction", "repeatDirection"), ("max_per_row", "maxPerRow"), ("interval", "interval"),
                 ("max_data_points", "maxDataPoints"), ("time_from", "timeFrom"), ("time_shift", "timeShift"),
                 ("hide_time_override", "hideTimeOverride"), ("transparent", "transparent"),
                 ("plugin_version", "pluginVersion"), ("cache_timeout", "cacheTimeout"),
                 ("query_caching_ttl", "queryCachingTTL"))


def _panel(panel: Panel, pid: int, pos, ds: dict) -> dict:
    own = _ref(panel.datasource, ds)
    out = {
        "fieldConfig": {"defaults": _field_defaults(panel), "overrides": [plain(o) for o in panel.overrides]},
        "gridPos": {"h": pos.h, "w": pos.w, "x": pos.x, "y": pos.y},
        "id": pid,
        "options": _options(panel),
        "targets": [_target(q, i, isinstance(panel, Table), ds) for i, q in enumerate(panel.queries)],
        "title": panel.title,
        "type": panel.panel_type,
    }
    if own is not None:
        out["datasource"] = own
    if panel.description:
        out["description"] = panel.description
    for name, key in _PANEL_FIELDS:
        _put(out, key, getattr(panel, name))
    return merge(out, panel.extra) if panel.extra else out


def _variable(var, ds: dict) -> dict:
    out = {"hide": var.hide_code, "name": var.name, "type": var.kind}
    if isinstance(var, DatasourceVariable):
        if var.default is not None:
            out["current"] = {"text": var.default, "value": var.default}
        out.update(includeAll=var.include_all, multi=var.multi, options=[], query=var.plugin, refresh=var.refresh, regex=var.regex)
    elif isinstance(var, QueryVariable):
        out.update(includeAll=var.include_all, multi=var.multi, options=[], query=plain(var.query),
                   refresh=var.refresh, regex=var.regex, sort=var.sort)
        own = _ref(var.datasource, ds)
        if own is not None:
            out["datasource"] = own
        if var.include_all and var.all_value:
            out["allValue"] = var.all_value
        _put(out, "definition", var.definition)
    elif isinstance(var, AdHocVariable):
        own = _ref(var.datasource, ds)
        if own is not None:
            out["datasource"] = own
        _put(out, "filters", var.filters)
    else:
        out["query"] = var.query
        if isinstance(var, CustomVariable):
            _put(out, "multi", var.multi)
            _put(out, "includeAll", var.include_all)
            _put(out, "allValue", var.all_value)
        if isinstance(var, IntervalVariable):
            for name, key in (("auto", "auto"), ("auto_count", "auto_count"), ("auto_min", "auto_min"),
                              ("refresh", "refresh")):
                _put(out, key, getattr(var, name))
    if hasattr(var, "options") and var.options:
        out["options"] = plain(var.options)
    _put(out, "label", var.label)
    _put(out, "description", var.description)
    _put(out, "skipUrlSync", var.skip_url_sync)
    if var.current is not None:
        out["current"] = plain(var.current)
    return merge(out, var.extra) if var.extra else out


def _row(item: Row, pid: int, pos, ds: dict) -> dict:
    row = {"collapsed": item.collapsed, "gridPos": {"h": pos.h, "w": pos.w, "x": pos.x, "y": pos.y},
           "id": pid, "panels": [], "title": item.title, "type": "row"}
    _put(row, "repeat", item.repeat)
    own = _ref(item.datasource, ds) if item.datasource is not None else None
    if own is not None:
        row["datasource"] = own
    return merge(row, item.extra) if item.extra else row


def dashboard_data(dashboard: Dashboard) -> dict:
    from .layout import layout

    ds = _datasource(dashboard)
    panels, next_id = [], 1
    for item, pos, children in layout(dashboard.panels):
        if isinstance(item, Row):
            row = _row(item, next_id, pos, ds)
            next_id += 1
            panels.append(row)
            nested = []
            for child, child_pos in children:
                nested.append(_panel(child, next_id, child_pos, ds))
                next_id += 1
            (row["panels"] if item.collapsed else panels).extend(nested)
        else:
            panels.append(_panel(item, next_id, pos, ds))
            next_id += 1
    annotations = [plain(a) for a in dashboard.annotations]
    if not any(a.get("builtIn") for a in annotations):
        annotations.insert(0, BUILTIN_ANNOTATIONS)
    out = {
        "annotations": {"list": annotations},
        "editable": dashboard.editable,
        "graphTooltip": dashboard.graph_tooltip,
        "panels": panels,
        "schemaVersion": SCHEMA_VERSION,
        "tags": list(dashboard.tags),
        "templating": {"list": [_variable(v, ds) for v in dashboard.variables]},
        "time": {"from": dashboard.time_from, "to": dashboard.time_to},
        "timezone": dashboard.timezone,
        "title": dashboard.title,
        "uid": dashboard.uid,
        "version": 1,
    }
    if dashboard.description:
        out["description"] = dashboard.description
    if dashboard.refresh:
        out["refresh"] = dashboard.refresh
    _put(out, "links", dashboard.links)
    _put(out, "timepicker", dashboard.timepicker)
    _put(out, "weekStart", dashboard.week_start)
    _put(out, "fiscalYearStartMonth", dashboard.fiscal_year_start_month)
    _put(out, "liveNow", dashboard.live_now)
    return merge(out, dashboard.extra) if dashboard.extra else out


try:
    import orjson
except ImportError:  # the same bytes, several times slower
    orjson = None


def render(data: dict) -> bytes:
    """Sorted keys, two-space indent, UTF-8, newline at the end. orjson writes exactly what
    json.dumps does for this data (a test holds them to it), about 30× faster."""
    if orjson is not None:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
    return render_stdlib(data)


def render_stdlib(data: dict) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def cached_data(defs, dashboard) -> dict:
    """dashboard_data, built once per compile (lint reads it before emit writes it)."""
    cache = defs.cache.setdefault("grafana", {})
    if id(dashboard) not in cache:
        cache[id(dashboard)] = dashboard_data(dashboard)
    return cache[id(dashboard)]


def emit(defs) -> Dict[str, bytes]:
    """One file per dashboard, in the form the target Grafana reads (grafana_target.py),
    at the path its folder gives (folders.py)."""
    from .folders import dashboard_file
    from .grafana_target import dashboard_form

    if defs.grafana == "11":
        return {dashboard_file(d): render(cached_data(defs, d)) for d in defs.dashboards}
    return {dashboard_file(d): render(dashboard_form(defs, d, cached_data(defs, d))) for d in defs.dashboards}
