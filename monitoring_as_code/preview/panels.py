"""One dashboard's panels as the page draws them: where each sits, what it shows (unit,
decimals, min/max, thresholds, the options its type reads) and its series, fetched through a
source with Grafana's variables and intervals substituted."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from . import layout
from .sources import Answer, display_name
from .timerange import interval_seconds, window
from .variables import Value, substitute

# Panel types the page draws; anything else is a frame with its title and a note.
DRAWN = {"timeseries", "graph", "stat", "singlestat", "gauge", "bargauge", "table", "table-old", "heatmap", "text", "row"}
NO_QUERIES = {"text", "row", "dashlist", "alertlist", "annolist", "news", "welcome", "gettingstarted"}
LOWEST = -1.0e300  # mac writes a base threshold step as -MAX_FLOAT (JSON has no -Infinity)

_OPTIONS = ("reduceOptions", "colorMode", "graphMode", "textMode", "orientation", "displayMode", "legend",
            "showThresholdLabels", "showThresholdMarkers", "minVizHeight", "valueMode", "justifyMode")
_CUSTOM = ("fillOpacity", "lineWidth", "drawStyle", "stacking", "thresholdsStyle", "gradientMode", "showPoints",
           "spanNulls", "axisSoftMin", "axisSoftMax", "axisPlacement", "lineInterpolation")


@dataclass
class PanelView:
    data: dict  # what preview.js reads
    queries: List[dict] = field(default_factory=list)  # what was asked and answered, for the summary
    empty: bool = False  # drawn as "No data"
    skipped: str = ""  # not drawn, and why


def _number_or_none(value) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if not math.isfinite(value) or value <= LOWEST else float(value)


def _thresholds(defaults: dict) -> dict:
    found = defaults.get("thresholds") or {}
    steps = [{"color": str(s.get("color", "green")), "value": _number_or_none(s.get("value"))}
             for s in found.get("steps") or [] if isinstance(s, dict)]
    return {"mode": found.get("mode", "absolute"), "steps": steps}


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def frame(panel: dict, row: str, width: int) -> dict:
    g = panel.get("gridPos") or {}
    grid = {k: int(g.get(k, 0)) for k in ("x", "y", "w", "h")}
    b = layout.box(grid["x"], grid["y"], grid["w"], grid["h"], width)
    defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
    custom = defaults.get("custom") or {}
    options = panel.get("options") or {}
    return {
        "id": panel.get("id"), "type": str(panel.get("type", "")), "title": str(panel.get("title", "")),
        "description": str(panel.get("description", "")), "grid": grid, "row": row,
        "box": {"left": b.left, "top": b.top, "width": b.width, "height": b.height},
        "unit": str(defaults.get("unit") or ""), "decimals": _number_or_none(defaults.get("decimals")),
        "min": _number_or_none(defaults.get("min")), "max": _number_or_none(defaults.get("max")),
        "thresholds": _thresholds(defaults), "color": _json_safe(defaults.get("color") or {}),
        "noValue": str(defaults.get("noValue") or ""),
        "custom": _json_safe({k: custom[k] for k in _CUSTOM if k in custom}),
        "options": _json_safe({k: options[k] for k in _OPTIONS if k in options}),
        "collapsed": bool(panel.get("collapsed")), "folded": len(panel.get("panels") or []),
        "transparent": bool(panel.get("transparent")), "repeat": str(panel.get("repeat") or ""),
    }


def _resolution(panel: dict, box_width: int) -> float:
    points = panel.get("maxDataPoints")
    return float(points) if isinstance(points, (int, float)) and points > 0 else float(max(box_width, 1))


def _min_interval(panel: dict, target: dict, variables: Dict[str, Value]) -> float:
    for text in (target.get("interval"), panel.get("interval")):
        if text:
            text = substitute(str(text), variables, None)
            try:
                return interval_seconds(text.lstrip(">"))
            except ValueError:
                continue
    return 0.0


def view(panel: dict, row: str, source, variables: Dict[str, Value], start: float, end: float,
         scrape_interval: float, follows: str = "", width: int = layout.PAGE_WIDTH, text_html=None) -> PanelView:
    data = frame(panel, row, width)
    data["follows"] = follows
    kind = data["type"]
    out = PanelView(data)
    if kind not in DRAWN:
        out.skipped = f"mac preview does not draw {kind or 'untyped'} panels"
        data["note"] = out.skipped
    if kind == "text":
        options = panel.get("options") or {}
        data["html"] = text_html(str(options.get("content", panel.get("content", ""))), str(options.get("mode", "markdown")))
        return out
    if kind in NO_QUERIES or out.skipped:
        data["series"] = []
        return out
    series = []
    for target in panel.get("targets") or []:
        if not isinstance(target, dict) or target.get("hide") or "expr" not in target:
            continue
        ds = target.get("datasource") or panel.get("datasource") or {}
        if isinstance(ds, dict) and ds.get("type") not in (None, "prometheus") and not str(ds.get("uid", "")).startswith("$"):
            out.queries.append({"refId": target.get("refId", ""), "expr": target.get("expr", ""),
                                "error": f"a {ds.get('type')} query: only Prometheus queries are run"})
            continue
        win = window(start, end, _resolution(panel, data["box"]["width"]), scrape_interval,
                     _min_interval(panel, target, variables))
        expr = substitute(str(target.get("expr", "")), variables, win)
        instant = bool(target.get("instant")) and not target.get("range")
        answer: Answer = source.query(expr, win, instant)
        legend = str(target.get("legendFormat", ""))
        for s in answer.series:
            series.append({"name": display_name(s.labels, legend), "refId": target.get("refId", ""),
                           "labels": dict(s.labels), "t": [p[0] for p in s.points],
                           "v": [p[1] if math.isfinite(p[1]) else None for p in s.points]})
        out.queries.append({"refId": target.get("refId", ""), "expr": expr, "step": win.step, "instant": instant,
                            "series": len(answer.series), "error": answer.error})
    data["series"] = series
    data["queries"] = out.queries
    has_points = any(v is not None for s in series for v in s["v"])
    out.empty = not has_points
    data["noData"] = out.empty
    return out
