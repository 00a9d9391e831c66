"""Keys Grafana keeps in a dashboard's JSON but no longer reads: what the Angular panels
(graph, singlestat, the old table and text panels) wrote, left behind on React panels by
hand-written or generated JSON, and options of Grafana versions long gone. Grafana ignores
them (its React panels read only their own options); mac drops them on import, says so, and
the round-trip comparison drops them from the input the same way (README, "Import").

Only keys listed here are dropped: anything else mac does not type (a plugin's option, a key of
a newer Grafana) is kept in `extra`."""
from __future__ import annotations

from typing import Dict

# The Angular graph panel's options (public/app/plugins/panel/graph, removed in Grafana 11),
# singlestat's, the old table's and text panel's, and panel keys of very old versions.
ANGULAR_PANEL_KEYS = frozenset((
    "aliasColors", "bars", "dashLength", "dashes", "fill", "fillGradient", "hiddenSeries", "legend", "lines",
    "linewidth", "nullPointMode", "percentage", "pointradius", "points", "renderer", "seriesOverrides",
    "spaceLength", "stack", "steppedLine", "thresholds", "timeRegions", "tooltip", "xaxis", "yaxes", "yaxis",
    "colors", "valueName", "gauge", "sparkline", "colorBackground", "colorValue", "valueMaps", "rangeMaps",
    "mappingType", "mappingTypes", "nullText", "prefix", "prefixFontSize", "postfix", "postfixFontSize",
    "tableColumn", "valueFontSize", "styles", "columns", "scroll", "sort", "fontSize", "pageSize", "showHeader",
    "transform", "span", "height", "error", "isNew", "editable", "minSpan", "leftYAxisLabel", "rightYAxisLabel",
    "x-axis", "y-axis", "y_formats", "grid", "legendType", "pieType", "combine", "breakPoint", "strokeWidth",
    "format", "h", "w", "repeatIteration", "repeatPanelId", "repeatedByRow", "scopedVars",
))
# The Angular heatmap's options (converted by heatmap_angular when the panel has no options;
# ignored by the React heatmap when it has).
HEATMAP_KEYS = frozenset(("cards", "color", "dataFormat", "heatmap", "hideZeroBuckets", "highlightCards", "xAxis",
                          "yAxis", "yBucketBound", "xBucketNumber", "xBucketSize", "yBucketNumber", "yBucketSize",
                          "reverseYBuckets", "tooltipDecimals"))
# A non-row panel's own `panels` list is read only on rows.
NOT_ON_PANELS = frozenset(("panels", "collapsed"))
ROW_KEYS = frozenset(("collapse", "showTitle", "titleSize", "repeatRowId", "repeatIteration", "span", "height",
                      "targets", "repeatDirection", "editable", "error"))
DASHBOARD_KEYS = frozenset(("style", "hideControls", "rows", "_config", "folderName", "sharedCrosshair", "nav",
                            "originalTitle", "hideAllLegends"))
VARIABLE_KEYS = frozenset(("useTags", "tagsQuery", "tagValuesQuery", "tags", "error", "datasourceErrors"))
# Keys of a Prometheus query its datasource does not read (the Prometheus query's model:
# grafana-foundation-sdk prometheus.jsonschema.json), written by old versions and libraries.
PROMETHEUS_TARGET_KEYS = frozenset(("step", "legendLink", "logBase", "min", "max", "metric", "refID", "errors",
                                    "calculatedInterval", "datasourceErrors", "warn", "crit", "target"))
# Options the Angular graph's React successor left behind (graph panel 7.x: dataLinks,
# alertThreshold); the timeseries panel does not read them.
TIMESERIES_OPTIONS = frozenset(("dataLinks", "alertThreshold", "graph"))


def _prometheus(target: dict, panel: dict) -> bool:
    ds = target.get("datasource") or panel.get("datasource")
    if isinstance(ds, dict):
        return ds.get("type") in (None, "prometheus")
    return True  # a variable, a name or the default: a Prometheus dashboard's


def drop(dash: dict) -> Dict[str, int]:
    """Remove inert keys in place; {key: how many times} of what went."""
    gone: Dict[str, int] = {}

    def take(obj: dict, keys) -> None:
        for key in [k for k in obj if k in keys]:
            del obj[key]
            gone[key] = gone.get(key, 0) + 1

    take(dash, DASHBOARD_KEYS - ({"rows"} if dash.get("rows") else set()))
    for v in (dash.get("templating") or {}).get("list") or () if isinstance(dash.get("templating"), dict) else ():
        if isinstance(v, dict):
            take(v, VARIABLE_KEYS)

    def visit(panels):
        for p in panels or ():
            if not isinstance(p, dict):
                continue
            if p.get("type") == "row":
                take(p, ROW_KEYS)
                visit(p.get("panels"))
                continue
            if "-" in str(p.get("type")) and p.get("type") not in ("state-timeline", "status-history"):
                continue  # a plugin panel: its keys are its own
            take(p, ANGULAR_PANEL_KEYS | NOT_ON_PANELS | (HEATMAP_KEYS if p.get("type") == "heatmap" else set()))
            if p.get("type") == "timeseries" and isinstance(p.get("options"), dict):
                take(p["options"], TIMESERIES_OPTIONS)
            fc = p.get("fieldConfig") if isinstance(p.get("fieldConfig"), dict) else {}
            defaults = fc.get("defaults") if isinstance(fc.get("defaults"), dict) else {}
            for m in defaults.get("mappings") or () if isinstance(defaults.get("mappings"), list) else ():
                if isinstance(m, dict) and isinstance(m.get("type"), str):
                    take(m, ("id",))  # a legacy mapping's id: the typed mappings have none
            for o in fc.get("overrides") or () if isinstance(fc.get("overrides"), list) else ():
                if isinstance(o, dict) and isinstance(o.get("matcher"), dict):
                    take(o["matcher"], set(o["matcher"]) - {"id", "options"})  # a matcher reads id and options
            for t in p.get("targets") or () if isinstance(p.get("targets"), list) else ():
                if isinstance(t, dict) and _prometheus(t, p):
                    take(t, PROMETHEUS_TARGET_KEYS)
                if isinstance(t, dict) and isinstance(t.get("datasource"), dict):
                    take(t["datasource"], set(t["datasource"]) - {"type", "uid"})
            if isinstance(p.get("datasource"), dict):
                # A datasource reference is read by type and uid (old exports add name, default).
                take(p["datasource"], set(p["datasource"]) - {"type", "uid"})

    visit(dash.get("panels"))
    return gone
