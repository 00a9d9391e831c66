"""Grafana dashboard JSON (classic model, schemaVersion 41) from mac's model.

Written straight from the model to plain data: no nulls, no legacy keys, only what the
v11.6 schema defines; Grafana fills its own defaults for the rest when it loads."""
from __future__ import annotations

import functools
import json
import string
from typing import Dict

from ..model import Dashboard, DatasourceVariable, Panel, QueryVariable, Row
from ..model.panels import BarGauge, Gauge, Stat, Table, TimeSeries
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
    return {"type": var.plugin, "uid": "${%s}" % var.name}


def _steps(panel: Panel):
    if panel.thresholds_from is not None:
        try:
            steps = derive(panel.thresholds_from)
        except ValueError:
            return None  # panel/thresholds-from reports it, and nothing is written then
    elif panel.thresholds:
        steps = panel.thresholds
    else:
        return None
    return {"mode": "absolute", "steps": [
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
    elif not isinstance(panel, Table):
        defaults["color"] = {"mode": "thresholds"}
        # Without steps Grafana would colour values red above its default 80.
        thresholds = thresholds or {"mode": "absolute", "steps": [{"color": SAFE_COLOR, "value": BASE}]}
    if thresholds:
        defaults["thresholds"] = thresholds
    return defaults


# Grafana 11's own option defaults per panel type: written only where mac's choice differs,
# which keeps dashboards small and a reviewer's diff about what was chosen.
def _options(panel: Panel) -> dict:
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


def _target(query, index: int, table: bool) -> dict:
    """Targets inherit the panel's datasource; range queries are Grafana's default."""
    target = {"expr": query.expr, "refId": ref_id(index)}
    if query.legend:
        target["legendFormat"] = query.legend
    if query.instant or table:
        target.update(instant=True, range=False, format="table")
    return target


def _panel(panel: Panel, pid: int, pos, ds: dict) -> dict:
    if panel.datasource:
        ds = {"type": ds["type"], "uid": panel.datasource}
    out = {
        "datasource": ds,
        "fieldConfig": {"defaults": _field_defaults(panel), "overrides": []},
        "gridPos": {"h": pos.h, "w": pos.w, "x": pos.x, "y": pos.y},
        "id": pid,
        "options": _options(panel),
        "targets": [_target(q, i, isinstance(panel, Table)) for i, q in enumerate(panel.queries)],
        "title": panel.title,
        "type": panel.grafana_type,
    }
    if panel.description:
        out["description"] = panel.description
    return out


def _variable(var, ds: dict) -> dict:
    if isinstance(var, DatasourceVariable):
        return {"current": {"text": var.default, "value": var.default}, "hide": 0,
                "includeAll": False, "label": var.label, "multi": False, "name": var.name,
                "options": [], "query": var.plugin, "refresh": 1, "regex": "", "type": "datasource"}
    if isinstance(var, QueryVariable):
        out = {"datasource": ds, "hide": 2 if var.hide else 0, "includeAll": var.include_all,
               "multi": var.multi, "name": var.name, "options": [], "query": var.query,
               "refresh": var.refresh, "regex": "", "sort": var.sort, "type": "query"}
        if var.label:
            out["label"] = var.label
        if var.include_all and var.all_value:
            out["allValue"] = var.all_value
        return out
    raise TypeError(f"unknown variable type {type(var).__name__}")


def dashboard_data(dashboard: Dashboard) -> dict:
    from .layout import layout

    ds = _datasource(dashboard)
    panels, next_id = [], 1
    for item, pos, children in layout(dashboard.panels):
        if isinstance(item, Row):
            row = {"collapsed": item.collapsed, "gridPos": {"h": 1, "w": 24, "x": 0, "y": pos.y},
                   "id": next_id, "panels": [], "title": item.title, "type": "row"}
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
    out = {
        "annotations": {"list": [BUILTIN_ANNOTATIONS]},
        "editable": True,
        "graphTooltip": 1,
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
    return out


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
    return {f"grafana/dashboards/{d.uid}.json": render(cached_data(defs, d)) for d in defs.dashboards}
