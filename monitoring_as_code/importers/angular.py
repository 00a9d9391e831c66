"""Angular panels converted the way Grafana converts them when it loads a dashboard (Grafana 11
removed Angular: PanelModel's autoMigrateAngular changes the type, and the new panel's
onPanelTypeChanged handler converts the options). graph → timeseries follows
public/app/plugins/panel/timeseries/migrations.ts (flotToGraphOptions); singlestat and the old
table are converted by the schema migrations V28 and V24 (legacy.py)."""
from __future__ import annotations

import math
import re
from typing import Any, Dict, List

from .legacy import MUST_KEEP, _num

# Reducers a legacy legend's keys name (fieldReducers ids and aliases: avg → mean, current →
# lastNotNull, total → sum).
LEGEND_REDUCERS = {"min": "min", "max": "max", "avg": "mean", "mean": "mean", "current": "lastNotNull",
                   "lastNotNull": "lastNotNull", "total": "sum", "sum": "sum", "count": "count", "last": "last",
                   "first": "first", "firstNotNull": "firstNotNull", "range": "range", "delta": "delta",
                   "diff": "diff", "median": "median", "variance": "variance", "stdDev": "stdDev"}
_REGEX_ALIAS = re.compile(r"^([/~@;%#'])(.*?)\1([gimsuy]*)$")


def _is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _axis(axis) -> Dict[str, Any]:
    """getFieldConfigFromOldAxis."""
    if not isinstance(axis, dict) or not axis:
        return {}
    custom: Dict[str, Any] = {"axisPlacement": "auto" if axis.get("show") else "hidden"}
    if axis.get("label"):
        custom["axisLabel"] = axis["label"]
    if axis.get("logBase") in (2, 10):
        custom["scaleDistribution"] = {"type": "log", "log": axis["logBase"]}
    out: Dict[str, Any] = {"unit": axis.get("format"), "decimals": _valid(axis.get("decimals")),
                           "min": _valid(axis.get("min")), "max": _valid(axis.get("max")), "custom": custom}
    return {k: v for k, v in out.items() if v is not None}


def _valid(value):
    if _is_num(value):
        return value
    if isinstance(value, str):
        n = _num(value)
        if n is not None and not math.isnan(n):
            return int(n) if n.is_integer() and "." not in value and "e" not in value.lower() else n
    return None


def _threshold_color(t: dict) -> Any:
    mode = t.get("colorMode")
    if mode == "critical":
        return "red"
    if mode == "warning":
        return "orange"
    if mode == "custom":
        return t.get("fillColor") or t.get("lineColor")
    return "red"


def graph_to_timeseries(panel: dict) -> None:
    """flotToGraphOptions, then PanelModel.changePlugin: the panel keeps MUST_KEEP keys and
    gets the converted fieldConfig and options."""
    angular = {k: v for k, v in panel.items() if k not in MUST_KEEP}
    old_fc = panel.get("fieldConfig") if isinstance(panel.get("fieldConfig"), dict) else {}
    overrides: List[dict] = list(old_fc.get("overrides") or [])
    yaxes = angular.get("yaxes") if isinstance(angular.get("yaxes"), list) else []
    y1 = _axis(yaxes[0] if yaxes else None)
    if isinstance(old_fc.get("defaults"), dict):
        y1 = {**old_fc["defaults"], **y1}
    dash_fill = "dash" if angular.get("dashes") else "solid"
    dash = [angular.get("dashLength", 10) if angular.get("dashLength") is not None else 10,
            angular.get("spaceLength", 10) if angular.get("spaceLength") is not None else 10]
    alias_colors = angular.get("aliasColors") if isinstance(angular.get("aliasColors"), dict) else {}
    for alias, color in alias_colors.items():
        if color:
            overrides.append({"matcher": {"id": "byName", "options": alias},
                              "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": color}}]})
    fill_below = False
    for so in angular.get("seriesOverrides") or () if isinstance(angular.get("seriesOverrides"), list) else ():
        if not isinstance(so, dict) or not so.get("alias") or not isinstance(so["alias"], str):
            continue
        rule = {"matcher": {"id": "byRegexp" if _REGEX_ALIAS.match(so["alias"]) else "byName", "options": so["alias"]},
                "properties": []}
        props = rule["properties"]
        dash_override = None
        for key, v in so.items():
            if key in ("alias", "$$hashKey"):
                continue
            if key == "yaxis":
                if v == 2:
                    y2 = _axis(yaxes[1] if len(yaxes) > 1 else None)
                    for k2, v2 in y2.items():
                        if k2 != "custom" and v2 != y1.get(k2):
                            props.append({"id": k2, "value": v2})
                    for k2, v2 in (y2.get("custom") or {}).items():
                        if v2 != (y1.get("custom") or {}).get(k2):
                            props.append({"id": f"custom.{k2}", "value": v2})
            elif key == "fill" and _is_num(v):
                props.append({"id": "custom.fillOpacity", "value": v * 10})
            elif key == "fillBelowTo":
                fill_below = True
                props.append({"id": "custom.fillBelowTo", "value": v})
            elif key == "fillGradient":
                if v:
                    props.append({"id": "custom.fillGradient", "value": "opacity"})
                    props.append({"id": "custom.fillOpacity", "value": v * 10 if _is_num(v) else v})
            elif key == "points":
                props.append({"id": "custom.showPoints", "value": "always" if v else "never"})
            elif key == "bars":
                if v:
                    props.append({"id": "custom.drawStyle", "value": "bars"})
                    props.append({"id": "custom.fillOpacity", "value": 100})
                else:
                    props.append({"id": "custom.drawStyle", "value": "line"})
            elif key == "lines":
                props.append({"id": "custom.lineWidth", "value": 0})  # as the frontend does, whatever v is
            elif key == "linewidth":
                props.append({"id": "custom.lineWidth", "value": v})
            elif key == "pointradius" and _is_num(v):
                props.append({"id": "custom.pointSize", "value": 2 + v * 2})
            elif key in ("dashLength", "spaceLength", "dashes"):
                if dash_override is None:
                    dash_override = {"fill": dash_fill, "dash": list(dash)}
                if key == "dashLength":
                    dash_override["dash"][0] = v
                elif key == "spaceLength":
                    dash_override["dash"][1] = v
                else:
                    dash_override["fill"] = "dash" if v else "solid"
            elif key == "stack":
                props.append({"id": "custom.stacking", "value": {"mode": "normal", "group": v}})
            elif key == "color":
                props.append({"id": "color", "value": {"fixedColor": v, "mode": "fixed"}})
            elif key == "transform":
                props.append({"id": "custom.transform", "value": "negative-Y" if v == "negative-Y" else "constant"})
            # anything else: the frontend ignores it ("Ignore override migration")
        if dash_override is not None:
            props.append({"id": "custom.lineStyle", "value": dash_override})
        if props:
            overrides.append(rule)
    graph = dict(y1.get("custom") or {})
    graph["drawStyle"] = "bars" if angular.get("bars") else "line" if angular.get("lines") else "points"
    if angular.get("points"):
        graph["showPoints"] = "always"
        if _is_num(angular.get("pointradius")):
            graph["pointSize"] = 2 + angular["pointradius"] * 2
    elif graph["drawStyle"] != "points":
        graph["showPoints"] = "never"
    graph["lineWidth"] = angular.get("linewidth")
    if dash_fill != "solid":
        graph["lineStyle"] = {"fill": dash_fill, "dash": dash}
    if fill_below:
        graph["fillOpacity"] = 35
    elif _is_num(angular.get("fill")):
        graph["fillOpacity"] = angular["fill"] * 10
    if _is_num(angular.get("fillGradient")) and angular["fillGradient"] > 0:
        graph["gradientMode"] = "opacity"
        graph["fillOpacity"] = angular["fillGradient"] * 10
    graph["spanNulls"] = angular.get("nullPointMode") == "connected"
    if angular.get("steppedLine"):
        graph["lineInterpolation"] = "stepAfter"
    if graph["drawStyle"] == "bars":
        graph["fillOpacity"] = 100
    if angular.get("stack"):
        graph["stacking"] = {"mode": "normal", "group": "A"}
    y1["custom"] = {k: v for k, v in graph.items() if v is not None}
    y1["nullValueMode"] = angular.get("nullPointMode")
    options: Dict[str, Any] = {"legend": {"displayMode": "list", "showLegend": True, "placement": "bottom",
                                          "calcs": []},
                               "tooltip": {"mode": "single", "sort": "none"}}
    legend = angular.get("legend")
    if isinstance(legend, dict):
        if legend.get("show"):
            options["legend"]["displayMode"] = "table" if legend.get("alignAsTable") else "list"
        else:
            options["legend"]["showLegend"] = False
        if legend.get("rightSide"):
            options["legend"]["placement"] = "right"
        if legend.get("values"):
            options["legend"]["calcs"] = [LEGEND_REDUCERS[k] for k, v in legend.items() if v and k in LEGEND_REDUCERS]
        if legend.get("sideWidth"):
            options["legend"]["width"] = legend["sideWidth"]
    tooltip = angular.get("tooltip")
    if isinstance(tooltip, dict):
        if "shared" in tooltip and tooltip["shared"] is not None:
            options["tooltip"]["mode"] = "multi" if tooltip["shared"] else "single"
        if tooltip.get("sort") is not None and tooltip.get("shared"):
            options["tooltip"]["sort"] = {1: "asc", 2: "desc"}.get(tooltip["sort"], "none")
    thresholds = angular.get("thresholds")
    if isinstance(thresholds, list) and thresholds and all(isinstance(t, dict) for t in thresholds):
        steps: List[dict] = []
        area = line = False
        ordered = sorted(thresholds, key=lambda t: t.get("value") if _is_num(t.get("value")) else 0)
        for i, t in enumerate(ordered):
            nxt = ordered[i + 1] if i + 1 < len(ordered) else None
            area = area or bool(t.get("fill"))
            line = line or bool(t.get("line"))
            if t.get("op") == "gt":
                steps.append({"value": t.get("value"), "color": _threshold_color(t)})
            if t.get("op") == "lt":
                if not steps:
                    steps.append({"value": None, "color": _threshold_color(t)})  # -Infinity
                if nxt and nxt.get("op") == "gt" and _is_num(nxt.get("value")) and _is_num(t.get("value")) \
                        and nxt["value"] > t["value"]:
                    steps.append({"value": t.get("value"), "color": "transparent"})
                elif nxt and nxt.get("op") == "lt":
                    steps.append({"value": t.get("value"), "color": _threshold_color(nxt)})
                else:
                    steps.append({"value": t.get("value"), "color": "transparent"})
        if steps and steps[0]["value"] is not None:
            steps.insert(0, {"color": "transparent", "value": None})
        mode = "line+area" if line and area else "area" if area else "line"
        y1["custom"]["thresholdsStyle"] = {"mode": mode}
        y1["thresholds"] = {"mode": "absolute", "steps": [{"color": s["color"], "value": s["value"]} for s in steps]}
    xaxis = angular.get("xaxis")
    if isinstance(xaxis, dict) and xaxis.get("show") is False and xaxis.get("mode") == "time":
        overrides.append({"matcher": {"id": "byType", "options": "time"},
                          "properties": [{"id": "custom.axisPlacement", "value": "hidden"}]})
    for key in angular:
        del panel[key]
    panel["type"] = "timeseries"
    panel["fieldConfig"] = {"defaults": {k: v for k, v in y1.items() if v is not None}, "overrides": overrides}
    panel["options"] = options


def text_panel(panel: dict) -> None:
    """textPanelMigrationHandler (public/app/plugins/panel/text): the Angular text panel's
    content and mode move into options (panels saved before 7.1), and the removed "text" mode
    becomes markdown."""
    try:
        previous = float(panel.get("pluginVersion") or "6.1")
    except ValueError:
        previous = 6.1
    options = panel.get("options") if isinstance(panel.get("options"), dict) else {}
    if "content" in panel and "mode" in panel:
        content, mode = panel.pop("content"), panel.pop("mode")
        if previous < 7.1:
            options = {"content": content, "mode": mode}
    if options.get("mode") not in ("code", "html", "markdown"):
        options = {**options, "mode": "markdown"}
    panel["options"] = options


# The heatmap panel's defaults (public/app/plugins/panel/heatmap/panelcfg.cue) and its colour
# schemes (palettes.ts), in their order there.
HEATMAP_COLOR = {"mode": "scheme", "scheme": "Oranges", "fill": "dark-orange", "scale": "exponential",
                 "exponent": 0.5, "steps": 64, "reverse": False}
COLOR_SCHEMES = ("Blues", "Greens", "Greys", "Oranges", "Purples", "Reds", "BuGn", "BuPu", "GnBu", "OrRd", "PuBuGn",
                 "PuBu", "PuRd", "RdPu", "YlGnBu", "YlGn", "YlOrBr", "YlOrRd", "BrBG", "PiYG", "PRGn", "PuOr", "RdBu",
                 "RdGy", "RdYlBu", "RdYlGn", "Spectral", "Cividis", "Cool", "CubehelixDefault", "Inferno", "Magma",
                 "Plasma", "Rainbow", "Sinebow", "Turbo", "Viridis", "Warm")


def _as_number(value, default=None):
    if value is None or value == "":
        return default
    n = _num(value)
    return default if n is None or math.isnan(n) else (int(n) if float(n).is_integer() else n)


def heatmap_angular(panel: dict) -> None:
    """heatmapMigrationHandler → angularToReactHeatmap (public/app/plugins/panel/heatmap/
    migrations.ts): an Angular heatmap (no options) gets the React heatmap's options."""
    calculate = panel.get("dataFormat") != "tsbuckets"
    calculation: Dict[str, Any] = {}
    y_axis = {"logBase": 1, **(panel.get("yAxis") if isinstance(panel.get("yAxis"), dict) else {})}
    if calculate:
        if panel.get("xBucketSize"):
            calculation["xBuckets"] = {"mode": "size", "value": str(panel["xBucketSize"])}
        elif panel.get("xBucketNumber"):
            calculation["xBuckets"] = {"mode": "count", "value": str(panel["xBucketNumber"])}
        if panel.get("yBucketSize"):
            calculation["yBuckets"] = {"mode": "size", "value": str(panel["yBucketSize"])}
        elif panel.get("xBucketNumber"):
            calculation["yBuckets"] = {"mode": "count", "value": str(panel.get("yBucketNumber"))}
        if _is_num(y_axis.get("logBase")) and y_axis["logBase"] > 1:
            split = _num(y_axis.get("splitFactor"))
            calculation["yBuckets"] = {"mode": "count", "value": str(y_axis["splitFactor"]) if split and split > 0
                                       else None, "scale": {"type": "log", "log": y_axis["logBase"]}}
    cards = panel.get("cards") if isinstance(panel.get("cards"), dict) else {}
    gap = _as_number(cards.get("cardPadding"), 2)
    tooltip = panel.get("tooltip") if isinstance(panel.get("tooltip"), dict) else {}
    legend = panel.get("legend") if isinstance(panel.get("legend"), dict) else {}
    layout = {"upper": "ge", "lower": "le", "middle": "unknown"}.get(panel.get("yBucketBound"), "auto")
    options: Dict[str, Any] = {
        "calculate": calculate, "calculation": calculation, "color": dict(HEATMAP_COLOR, steps=128),
        "cellGap": gap if gap else 1, "cellRadius": _as_number(cards.get("cardRound")),
        "yAxis": {"axisPlacement": "hidden" if y_axis.get("show") is False else "left",
                  "reverse": bool(panel.get("reverseYBuckets")), "axisWidth": _as_number(y_axis.get("width")),
                  "min": y_axis.get("min"), "max": y_axis.get("max"), "unit": y_axis.get("format"),
                  "decimals": y_axis.get("decimals")},
        "cellValues": {"decimals": _as_number(panel.get("tooltipDecimals"))},
        "rowsFrame": {"layout": layout},
        "legend": {"show": bool(legend.get("show"))},
        "showValue": "never",
        "tooltip": {"show": bool(tooltip.get("show")), "yHistogram": bool(tooltip.get("showHistogram"))},
        "exemplars": {"color": "rgba(255,0,255,0.7)"},
    }
    if panel.get("hideZeroBuckets"):
        options["filterValues"] = {"le": 1e-9}
    color = panel.get("color") if isinstance(panel.get("color"), dict) else {}
    if color.get("mode") == "spectrum":
        options["color"]["mode"] = "scheme"
        current = str(color.get("colorScheme") or "")
        scheme = next((n for n in COLOR_SCHEMES if n == current), None) or next(
            (n for n in COLOR_SCHEMES if n in current), None)
        options["color"]["scheme"] = scheme or HEATMAP_COLOR["scheme"]
    elif color.get("mode") == "opacity":
        options["color"]["mode"] = "opacity"
        options["color"]["scale"] = color.get("scale")
    options["color"]["fill"] = color.get("cardColor")
    options["color"]["min"] = color.get("min")
    options["color"]["max"] = color.get("max")
    if _is_num(color.get("min")) and _is_num(color.get("max")) and color["min"] > color["max"]:
        options["color"].update(min=color["max"], max=color["min"], reverse=True)
    panel["fieldConfig"] = {"defaults": {}, "overrides": []}
    panel["options"] = _defined(options)


def _defined(value):
    """What JSON.stringify keeps: undefined (None here, for values the migration computed)
    is left out."""
    if isinstance(value, dict):
        return {k: _defined(v) for k, v in value.items() if v is not None}
    return value


def auto_migrate(dash: dict) -> None:
    """The Angular panels Grafana converts on load, wherever they are."""
    def visit(panels):
        for p in panels or ():
            if not isinstance(p, dict):
                continue
            if p.get("type") == "row":
                visit(p.get("panels"))
            elif p.get("type") == "graph":
                graph_to_timeseries(p)
            elif p.get("type") == "heatmap" and not p.get("options"):
                heatmap_angular(p)
            elif p.get("type") == "text" and ("content" in p or not isinstance(p.get("options"), dict)
                                               or p["options"].get("mode") not in ("code", "html", "markdown")):
                text_panel(p)

    visit(dash.get("panels"))
