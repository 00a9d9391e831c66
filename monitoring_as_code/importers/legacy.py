"""Grafana's schema migrations V15–V36 and the conversion of Angular panels, for dashboards
older than schema 36. Each function follows the Go code of the same name in grafana/grafana
(apps/dashboard/pkg/migration/schemaversion/vNN.go), which mirrors the frontend's
DashboardMigrator.ts; the Angular panel conversions follow the frontend (graph → timeseries:
public/app/plugins/panel/timeseries/migrations.ts, flotToGraphOptions) as Grafana applies them
when the panel loads (PanelModel's autoMigrateAngular). They change the data in place.

Where a migration needs the Grafana instance (V33 and V36 resolve datasource names to uids
through its datasource list), mac resolves what the dashboard itself declares: datasource
variables ($ds, ${ds}, [[ds]]) and the `__inputs` of a grafana.com export; the default
datasource stays unset (null: Grafana's default), and an unknown name becomes {uid: name},
which is what Grafana writes when it cannot find one (and still resolves by name).
Documented deviations: V36's default target {refId: A} is not added to row panels (Grafana
ignores a row's targets), and an Angular panel's leftover keys are dropped as the frontend's
PanelModel.changePlugin drops them (the Go V24/V28 keep some)."""
from __future__ import annotations

import math
import re
from typing import Any, Dict, List, Optional

from . import ImportProblem

GRID_COLUMNS = 24
# Keys a panel keeps when its type changes (angular_migration.go, mustKeepProperties).
MUST_KEEP = {"id", "gridPos", "type", "title", "scopedVars", "repeat", "repeatPanelId", "repeatDirection",
             "repeatedByRow", "minSpan", "collapsed", "panels", "targets", "datasource", "timeFrom", "timeShift",
             "hideTimeOverride", "description", "links", "fullscreen", "cacheTimeout", "queryCachingTTL",
             "transparent", "pluginVersion", "transformations", "fieldConfig", "maxDataPoints", "interval",
             "libraryPanel", "key"}


def _panels(dash) -> List[dict]:
    return [p for p in dash.get("panels") or () if isinstance(p, dict)]


def each_panel(dash) -> List[dict]:
    """Every non-row panel, those of rows included, at any depth (the migrations that walk
    into rows: processPanels in the Go code)."""
    out = []

    def visit(panels):
        for p in panels or ():
            if isinstance(p, dict):
                if p.get("type") == "row":
                    visit(p.get("panels"))
                else:
                    out.append(p)

    visit(dash.get("panels"))
    return out


def _all_panels(dash) -> List[dict]:
    """Top-level panels and those of collapsed rows."""
    out = []
    for p in _panels(dash):
        out.append(p)
        out.extend(n for n in p.get("panels") or () if isinstance(n, dict))
    return out


def _num(value) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _int(value, default=0) -> int:
    n = _num(value)
    return int(n) if n is not None and math.isfinite(n) else default


def _variables(dash) -> List[dict]:
    return [v for v in ((dash.get("templating") or {}).get("list") or ()) if isinstance(v, dict)]


# ---- V15–V23 --------------------------------------------------------------------------------

def V15(dash):
    dash["schemaVersion"] = 15


def _grid_height(height: float) -> int:
    """v16.go getGridHeight: pixels to grid rows (30px cells, 8px margins, 3 rows at least)."""
    return int(math.ceil(max(height, 90.0) / 38.0))


class _RowArea:
    """v16.go rowArea: where the next panel of a legacy row goes."""

    def __init__(self, height: int, y: int) -> None:
        self.area = [0] * GRID_COLUMNS
        self.y, self.height = y, height

    def add(self, pos) -> None:
        for i in range(pos["x"], min(pos["x"] + pos["w"], GRID_COLUMNS)):
            self.area[i] = max(self.area[i], pos["y"] + pos["h"] - self.y)

    def place(self, height: int, width: int, depth: int = 0) -> dict:
        start = end = 0
        found = False
        for i in range(GRID_COLUMNS - 1, -1, -1):
            if self.height - self.area[i] > 0:
                if not found:
                    end, found = i, True
                elif i < GRID_COLUMNS - 1 and self.area[i] <= self.area[i + 1]:
                    start = i
                else:
                    break
            else:
                break
        if found and end - start >= width - 1:
            return {"x": start, "y": max(self.area[start:end + 1] or [0])}
        if depth > 1000:  # cannot happen with widths of at most 24; bounded all the same
            return {"x": 0, "y": 0}
        self.y += self.height
        self.area = [0] * GRID_COLUMNS
        return self.place(height, width, depth + 1)


def V16(dash):
    """Legacy rows (rows[].panels with span and height) to the grid (upgradeToGridLayout)."""
    dash["schemaVersion"] = 16
    rows = dash.get("rows")
    if not isinstance(rows, list):
        return
    if not rows:
        del dash["rows"]
        return
    y = 0
    ids = [_int(p.get("id")) for r in rows if isinstance(r, dict) for p in r.get("panels") or () if isinstance(p, dict)]
    next_id = max(ids or [0]) + 1
    final = list(dash.get("panels") or [])
    show_rows = any(isinstance(r, dict) and (r.get("collapse") or r.get("showTitle") or r.get("repeat"))
                    for r in rows)
    for row in rows:
        if not isinstance(row, dict) or row.get("repeatIteration") is not None:
            continue
        height = _num(row.get("height"))
        row_height = _grid_height(height if height is not None else 250.0)
        collapsed = bool(row.get("collapse"))
        panels = [p for p in row.get("panels") or () if isinstance(p, dict)]
        for p in panels:
            if "id" not in p:
                p["id"], next_id = next_id, next_id + 1
        row_panel = None
        if show_rows:
            row_panel = {"id": next_id, "type": "row", "title": row.get("title") or "",
                         "repeat": row.get("repeat") or "", "panels": [],
                         "gridPos": {"x": 0, "y": y, "w": GRID_COLUMNS, "h": row_height}}
            if "collapse" in row:
                row_panel["collapsed"] = collapsed
            next_id += 1
            y += 1
        area = _RowArea(row_height, y)
        for p in panels:
            span = _num(p.get("span"))
            span = 4.0 if span is None else span
            if "minSpan" in p:
                min_span = _num(p["minSpan"])
                if min_span and min_span > 0:
                    p["minSpan"] = int(min(GRID_COLUMNS, GRID_COLUMNS / 12.0 * min_span))
            width = int(math.floor(span * GRID_COLUMNS / 12.0))
            own = _num(p.get("height"))
            height_rows = _grid_height(own) if own is not None else row_height
            where = area.place(height_rows, width)
            y = area.y
            p["gridPos"] = {"x": where["x"], "y": y + where["y"], "w": width, "h": height_rows}
            area.add(p["gridPos"])
            p.pop("span", None)
            (row_panel["panels"] if row_panel is not None and collapsed else final).append(p)
        if row_panel is not None:
            final.append(row_panel)
        if row_panel is None or not collapsed:
            y += row_height
    dash["panels"] = final
    del dash["rows"]


def V17(dash):
    """minSpan → maxPerRow (the largest factor of 24 not above 24 / minSpan)."""
    dash["schemaVersion"] = 17
    factors = [1, 2, 3, 4, 6, 8, 12, 24]
    for p in _panels(dash):
        if "minSpan" not in p:
            continue
        min_span = p.pop("minSpan")
        if isinstance(min_span, bool) or not isinstance(min_span, (int, float)) or min_span <= 0:
            continue
        limit = GRID_COLUMNS / min_span
        index = next((i for i, f in enumerate(factors) if f > limit), -1)
        p["maxPerRow"] = factors[index - 1] if index > 0 else (1 if index == 0 else factors[-1])


def V18(dash):
    """Gauge options-gauge → options (valueOptions; thresholds reversed)."""
    dash["schemaVersion"] = 18
    for p in _panels(dash):
        old = p.get("options-gauge")
        if not isinstance(old, dict):
            continue
        options = {"valueOptions": {k: old[k] for k in ("unit", "stat", "decimals", "prefix", "suffix") if k in old}}
        if isinstance(old.get("thresholds"), list) and old["thresholds"]:
            options["thresholds"] = list(reversed(old["thresholds"]))
        for key, value in old.items():
            if key not in ("options", "unit", "stat", "decimals", "prefix", "suffix", "thresholds"):
                options[key] = value
        p["options"] = options
        del p["options-gauge"]


def _slug(name: str) -> str:
    name = re.sub(r"[^a-z0-9_ ]+", "", name.lower())
    return re.sub(r" +", "-", name)


def _panel_link(link: dict) -> dict:
    url = link.get("url") if isinstance(link.get("url"), str) else ""
    if not url:
        if link.get("dashboard"):
            url = "dashboard/db/" + _slug(str(link["dashboard"]))
        elif link.get("dashUri"):
            url = "dashboard/" + str(link["dashUri"])
        else:
            url = "/"
    params = []
    if link.get("keepTime") is True:
        params.append("$__url_time_range")
    if link.get("includeVars") is True:
        params.append("$__all_variables")
    if isinstance(link.get("params"), str) and link["params"]:
        params.append(link["params"])
    if params:
        url += "?" + "&".join(params)
    out = {"url": url, "title": link.get("title") if isinstance(link.get("title"), str) else ""}
    if link.get("targetBlank") is True:
        out["targetBlank"] = True
    return out


def V19(dash):
    """Panel links: dashboard/dashUri/keepTime/includeVars/params become one url."""
    dash["schemaVersion"] = 19
    for p in _all_panels(dash):
        if isinstance(p.get("links"), list) and p["links"]:
            p["links"] = [_panel_link(x) for x in p["links"] if isinstance(x, dict)]


_LEGACY_NAMES = re.compile(r"(__series_name)|(\$__series_name)|(__value_time)|(__field_name)|(\$__field_name)")
_NEW_NAMES = {"__series_name": "__series.name", "$__series_name": "${__series.name}", "__value_time": "__value.time",
              "__field_name": "__field.name", "$__field_name": "${__field.name}"}


def _links_in_options(options, change) -> None:
    for link in options.get("dataLinks") or () if isinstance(options.get("dataLinks"), list) else ():
        if isinstance(link, dict) and isinstance(link.get("url"), str):
            link["url"] = change(link["url"])
    field_options = options.get("fieldOptions")
    defaults = field_options.get("defaults") if isinstance(field_options, dict) else None
    if isinstance(defaults, dict):
        return defaults
    return None


def V20(dash):
    """Data link variables: __series_name → __series.name, …"""
    dash["schemaVersion"] = 20

    def change(text):
        return _LEGACY_NAMES.sub(lambda m: _NEW_NAMES[m.group(0)], text)

    for p in _panels(dash):
        options = p.get("options")
        if isinstance(options, dict):
            defaults = _links_in_options(options, change)
            if defaults is not None:
                if isinstance(defaults.get("title"), str):
                    defaults["title"] = change(defaults["title"])
                for link in defaults.get("links") or () if isinstance(defaults.get("links"), list) else ():
                    if isinstance(link, dict) and isinstance(link.get("url"), str):
                        link["url"] = change(link["url"])


def V21(dash):
    """Data links: __series.labels → __field.labels."""
    dash["schemaVersion"] = 21

    def change(text):
        return text.replace("__series.labels", "__field.labels")

    for p in _all_panels(dash):
        options = p.get("options")
        if isinstance(options, dict):
            defaults = _links_in_options(options, change)
            if defaults is not None:
                for link in defaults.get("links") or () if isinstance(defaults.get("links"), list) else ():
                    if isinstance(link, dict) and isinstance(link.get("url"), str):
                        link["url"] = change(link["url"])


def V22(dash):
    """Angular table styles align 'auto'."""
    dash["schemaVersion"] = 22
    for p in _all_panels(dash):
        if p.get("type") == "table" and isinstance(p.get("styles"), list):
            for style in p["styles"]:
                if isinstance(style, dict):
                    style["align"] = "auto"


def V23(dash):
    """A variable's current value is a list when it is multi-value, a single value when not."""
    dash["schemaVersion"] = 23
    for v in _variables(dash):
        current = v.get("current")
        if "multi" not in v or not isinstance(current, dict) or not current or not isinstance(v["multi"], bool):
            continue
        current = dict(current)
        if v["multi"]:
            if "value" in current and not isinstance(current["value"], list):
                current["value"] = [current["value"]]
                if "text" in current and not isinstance(current["text"], list):
                    current["text"] = [current["text"]]
        else:
            for key in ("value", "text"):
                if isinstance(current.get(key), list):
                    current[key] = current[key][0] if current[key] else ""
        v["current"] = current


# ---- V24: the Angular table ------------------------------------------------------------------

_TRANSFORMS = {"timeseries_to_rows": "seriesToRows", "timeseries_to_columns": "seriesToColumns",
               "timeseries_aggregations": "reduce", "table": "merge"}
_COLUMNS = {"avg": "mean", "min": "min", "max": "max", "total": "sum", "current": "lastNotNull", "count": "count"}
_COLOR_MODES = {"cell": "color-background", "row": "color-background", "value": "color-text"}


def _table_steps(thresholds, colors) -> list:
    steps = [{"color": "red", "value": None}]
    for i, t in enumerate(thresholds):
        color = colors[i] if i < len(colors) and colors[i] is not None else "red"
        value = _num(t)
        steps.append({"color": color, "value": value if value is not None else 0.0})
    return steps


def _style_override(style: dict) -> dict:
    pattern = style.get("pattern") if isinstance(style.get("pattern"), str) else ""
    matcher = "byRegexp" if len(pattern) >= 2 and pattern[0] == "/" and pattern[-1] == "/" else "byName"
    props = []
    if isinstance(style.get("alias"), str) and style["alias"]:
        props.append({"id": "displayName", "value": style["alias"]})
    if isinstance(style.get("unit"), str) and style["unit"]:
        props.append({"id": "unit", "value": style["unit"]})
    if isinstance(style.get("decimals"), (int, float)) and not isinstance(style.get("decimals"), bool):
        props.append({"id": "decimals", "value": int(style["decimals"])})
    if style.get("type") == "date" and isinstance(style.get("dateFormat"), str):
        props.append({"id": "unit", "value": "time: " + style["dateFormat"]})
    if style.get("type") == "hidden":
        props.append({"id": "custom.hidden", "value": True})
    if style.get("link") is True:
        props.append({"id": "links", "value": [{
            "title": style.get("linkTooltip") if isinstance(style.get("linkTooltip"), str) else "",
            "url": style.get("linkUrl") if isinstance(style.get("linkUrl"), str) else "",
            "targetBlank": style.get("linkTargetBlank") is True}]})
    if style.get("colorMode") in _COLOR_MODES:
        props.append({"id": "custom.cellOptions", "value": {"type": _COLOR_MODES[style["colorMode"]]}})
    if isinstance(style.get("align"), str) and style["align"]:
        props.append({"id": "custom.align", "value": "" if style["align"] == "auto" else style["align"]})
    if isinstance(style.get("thresholds"), list) and style["thresholds"] and isinstance(style.get("colors"), list) \
            and style["colors"]:
        props.append({"id": "thresholds", "value": {"mode": "absolute",
                                                     "steps": _table_steps(style["thresholds"], style["colors"])}})
    return {"matcher": {"id": matcher, "options": pattern}, "properties": props}


def _table_defaults(style: Optional[dict]) -> dict:
    out: Dict[str, Any] = {"custom": {}}
    if not style:
        return out
    if isinstance(style.get("unit"), str) and style["unit"]:
        out["unit"] = style["unit"]
    if isinstance(style.get("decimals"), (int, float)) and not isinstance(style.get("decimals"), bool):
        out["decimals"] = int(style["decimals"])
    if isinstance(style.get("alias"), str) and style["alias"]:
        out["displayName"] = style["alias"]
    if isinstance(style.get("align"), str) and style["align"]:
        out["custom"]["align"] = "" if style["align"] == "auto" else style["align"]
    if isinstance(style.get("thresholds"), list) and style["thresholds"] and isinstance(style.get("colors"), list) \
            and style["colors"]:
        out["thresholds"] = {"mode": "absolute", "steps": _table_steps(style["thresholds"], style["colors"])}
    if style.get("colorMode") in _COLOR_MODES:
        out["custom"]["cellOptions"] = {"type": _COLOR_MODES[style["colorMode"]]}
    return out


def _table_changed(p: dict) -> None:
    """tablePanelChangedHandler: styles → field config, transform → transformations."""
    old = {k: v for k, v in p.items() if k not in MUST_KEEP}
    transformations = list(p.get("transformations") or [])
    transform = old.get("transform")
    if isinstance(transform, str) and transform in _TRANSFORMS:
        opts: Dict[str, Any] = {"reducers": []}
        if transform == "timeseries_aggregations":
            opts["includeTimeField"] = False
            opts["reducers"] = [_COLUMNS[c["value"]] for c in old.get("columns") or ()
                                if isinstance(c, dict) and c.get("value") in _COLUMNS]
        transformations.append({"id": _TRANSFORMS[transform], "options": opts})
    styles = [s for s in old.get("styles") or () if isinstance(s, dict)]
    default = next((s for s in styles if s.get("pattern") == "/.*/"), None)
    overrides = [_style_override(s) for s in styles if isinstance(s.get("pattern"), str) and s["pattern"] != "/.*/"]
    for key in old:
        del p[key]  # PanelModel.changePlugin: what the new panel does not keep
    p["transformations"] = transformations
    p["fieldConfig"] = {"defaults": _table_defaults(default), "overrides": overrides}


def V24(dash):
    """The Angular table (type table with styles) becomes the React table."""
    dash["schemaVersion"] = 24
    for p in _panels(dash):
        if p.get("type") == "table" and p.get("styles") is not None and p.get("table") != "table2":
            _table_changed(p)


def V25(dash):
    dash["schemaVersion"] = 25


def V26(dash):
    """text2 panels become text; options.angular goes."""
    dash["schemaVersion"] = 26
    for p in _all_panels(dash):
        if p.get("type") == "text2":
            p["type"] = "text"
            if isinstance(p.get("options"), dict):
                p["options"].pop("angular", None)


def V27(dash):
    """Repeated panel leftovers go; constant variables shown to the user become textboxes."""
    dash["schemaVersion"] = 27
    if isinstance(dash.get("panels"), list):
        kept = []
        for p in dash["panels"]:
            if not isinstance(p, dict) or "repeatPanelId" in p or "repeatByRow" in p:
                continue
            if p.get("type") == "row" and isinstance(p.get("panels"), list):
                p["panels"] = [n for n in p["panels"] if isinstance(n, dict) and "repeatPanelId" not in n]
            kept.append(p)
        dash["panels"] = kept
    for v in _variables(dash):
        if v.get("type") != "constant":
            continue
        query = v["query"] if isinstance(v.get("query"), str) else ""
        v["query"] = query
        current = {"selected": True, "text": query, "value": query}
        v["current"] = current
        v["options"] = [dict(current)]
        hide = v.get("hide")
        if isinstance(hide, (int, float)) and not isinstance(hide, bool) and hide in (0, 1):
            v["type"] = "textbox"


# ---- V28: singlestat → stat ----------------------------------------------------------------

_VALUE_NAMES = {"min": "min", "max": "max", "avg": "mean", "mean": "mean", "median": "median", "sum": "sum",
                "count": "count", "first": "firstNotNull", "last": "lastNotNull", "name": "lastNotNull",
                "current": "lastNotNull", "total": "sum"}


def _singlestat(p: dict) -> None:
    """migrateSinglestatPanel (V28) with the frontend's value-map conversion
    (convertOldAngularValueMappings: valueMaps/rangeMaps to legacy mappings, which V30 upgrades)."""
    p["type"] = "stat"
    fc = p.get("fieldConfig")
    if not isinstance(fc, dict):
        fc = p["fieldConfig"] = {"defaults": {}, "overrides": []}
    defaults = fc.setdefault("defaults", {})
    options: Dict[str, Any] = {"reduceOptions": {"calcs": ["mean"]}, "orientation": "horizontal"}
    if isinstance(p.get("valueName"), str):
        options["reduceOptions"]["calcs"] = [_VALUE_NAMES.get(p["valueName"], "mean")]
    if isinstance(p.get("tableColumn"), str):
        options["reduceOptions"]["fields"] = "/^" + p["tableColumn"] + "$/"
    if isinstance(p.get("format"), str):
        defaults["unit"] = p["format"]
    if "decimals" in p:
        defaults["decimals"] = p["decimals"]
    if "nullPointMode" in p:
        defaults["nullValueMode"] = p["nullPointMode"]
    if isinstance(p.get("nullText"), str):
        defaults["noValue"] = p["nullText"]
    if isinstance(p.get("thresholds"), str) and isinstance(p.get("colors"), list):
        values = p["thresholds"].split(",")
        steps = []
        for i, color in enumerate(p["colors"]):
            step: Dict[str, Any] = {"color": color}
            if i == 0:
                step["value"] = None
            elif i - 1 < len(values):
                value = _num(values[i - 1].strip())
                if value is not None:
                    step["value"] = value
            steps.append(step)
        defaults["thresholds"] = {"mode": "absolute", "steps": steps}
    legacy = []
    kind = p.get("mappingType")
    if not kind:
        kind = 1 if p.get("valueMaps") else 2 if p.get("rangeMaps") else None
    if kind == 1 and isinstance(p.get("valueMaps"), list):
        legacy = [dict(m, id=i, type=1) for i, m in enumerate(p["valueMaps"]) if isinstance(m, dict)]
    elif kind == 2 and isinstance(p.get("rangeMaps"), list):
        legacy = [dict(m, id=i, type=2) for i, m in enumerate(p["rangeMaps"]) if isinstance(m, dict)]
    if legacy:
        defaults["mappings"] = legacy
    sparkline = p.get("sparkline")
    if isinstance(sparkline, dict) and sparkline.get("show") is True:
        options["graphMode"] = "area"
        if isinstance(sparkline.get("lineColor"), str):
            defaults["color"] = {"mode": "fixed", "fixedColor": sparkline["lineColor"]}
    else:
        options["graphMode"] = "none"
    if p.get("colorBackground") is True:
        options["colorMode"] = "background"
    elif p.get("colorValue") is True:
        options["colorMode"] = "value"
    else:
        options["colorMode"] = "none"
    if p.get("valueName") == "name":
        options["textMode"] = "name"
    unit = defaults.get("unit")
    if unit in ("percent", "percentunit"):
        defaults.setdefault("min", 0)
        if defaults.get("max") is None:
            defaults["max"] = 100 if unit == "percent" else 1
        if defaults.get("min") is None:
            defaults["min"] = 0
    for key in [k for k in p if k not in MUST_KEEP]:
        del p[key]
    p["options"] = options


def V28(dash):
    """singlestat → stat; variables lose tags, tagsQuery, tagValuesQuery, useTags."""
    dash["schemaVersion"] = 28
    for p in each_panel(dash):
        if p.get("type") in ("singlestat", "grafana-singlestat-panel"):
            _singlestat(p)
    for v in _variables(dash):
        for key in ("tags", "tagsQuery", "tagValuesQuery", "useTags"):
            v.pop(key, None)


def V29(dash):
    """Query variables refresh at least on load; their stored options are cleared."""
    dash["schemaVersion"] = 29
    for v in _variables(dash):
        if v.get("type") != "query":
            continue
        if _int(v.get("refresh")) not in (1, 2):
            v["refresh"] = 1
        if isinstance(v.get("options"), list) and v["options"]:
            v["options"] = []


# ---- V30: value mappings -------------------------------------------------------------------

def _stringify(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, int):
        return str(value)
    return ""


def _threshold_color(value: float, thresholds) -> Any:
    steps = thresholds.get("steps") if isinstance(thresholds, dict) else None
    if not isinstance(steps, list) or not steps:
        return "#808080"
    active = steps[0] if isinstance(steps[0], dict) else None
    for step in steps:
        if not isinstance(step, dict):
            continue
        if "value" not in step:
            break
        number = 0.0 if step["value"] is None else _num(step["value"])
        if number is None:
            break
        if value >= number:
            active = step
        else:
            break
    return active.get("color") if active else None


def upgrade_mappings(old: list, thresholds=None) -> list:
    if not old:
        return old
    values: Dict[str, Any] = {"type": "value", "options": {}}
    out, has_values = [], False
    for m in old:
        if not isinstance(m, dict):
            continue
        if isinstance(m.get("type"), str) and m["type"]:
            if m["type"] == "value":
                if isinstance(m.get("options"), dict):
                    values["options"].update(m["options"])
                    has_values = True
            else:
                out.append(m)
            continue
        color = None
        if thresholds is not None and isinstance(m.get("text"), str):
            number = _num(m["text"])
            if number is not None:
                color = _threshold_color(number, thresholds)
        kind = _int(m.get("type"), -1) if not isinstance(m.get("type"), bool) else -1
        result = {"text": m.get("text")}
        if color is not None:
            result["color"] = color
        if kind == 1 and "value" in m and m["value"] is not None:
            if m["value"] == "null":
                out.append({"type": "special", "options": {"match": "null", "result": result}})
            else:
                values["options"][_stringify(m["value"])] = result
                has_values = True
        elif kind == 2:
            out.append({"type": "range", "options": {"from": _num(_stringify(m.get("from"))) or 0.0,
                                                     "to": _num(_stringify(m.get("to"))) or 0.0, "result": result}})
    return ([values] if has_values else []) + out


def V30(dash):
    """Legacy value mappings to the typed ones; tooltipOptions → tooltip."""
    dash["schemaVersion"] = 30
    for p in _all_panels(dash):
        fc = p.get("fieldConfig")
        if isinstance(fc, dict):
            defaults = fc.get("defaults")
            if isinstance(defaults, dict) and isinstance(defaults.get("mappings"), list):
                defaults["mappings"] = upgrade_mappings(defaults["mappings"], defaults.get("thresholds")
                                                        if isinstance(defaults.get("thresholds"), dict) else None)
            for o in fc.get("overrides") or () if isinstance(fc.get("overrides"), list) else ():
                for prop in (o.get("properties") or ()) if isinstance(o, dict) else ():
                    if isinstance(prop, dict) and prop.get("id") == "mappings" and isinstance(prop.get("value"), list):
                        prop["value"] = upgrade_mappings(prop["value"])
        if p.get("type") in ("timeseries", "xychart", "xychart2") and isinstance(p.get("options"), dict) \
                and "tooltipOptions" in p["options"]:
            p["options"]["tooltip"] = p["options"].pop("tooltipOptions")


def V31(dash):
    """A merge transformation after every labelsToFields."""
    dash["schemaVersion"] = 31
    for p in each_panel(dash):
        ts = p.get("transformations")
        if isinstance(ts, list) and any(isinstance(t, dict) and t.get("id") == "labelsToFields" for t in ts):
            out = []
            for t in ts:
                out.append(t)
                if isinstance(t, dict) and t.get("id") == "labelsToFields":
                    out.append({"id": "merge", "options": {}})
            p["transformations"] = out


def V32(dash):
    dash["schemaVersion"] = 32


# ---- V33/V36: datasource references --------------------------------------------------------

class Datasources:
    """What stands in for the Grafana instance's datasource list (see the module docstring)."""

    def __init__(self, dash: dict) -> None:
        self.variables = {v.get("name"): v.get("query") for v in _variables(dash)
                          if v.get("type") == "datasource" and isinstance(v.get("name"), str)}
        self.inputs = {i.get("name"): i.get("pluginId") for i in dash.get("__inputs") or ()
                       if isinstance(i, dict) and i.get("type") == "datasource"}

    def ref(self, value, default_as_null: bool):
        """MigrateDatasourceNameToRef."""
        if default_as_null and (value is None or value == "default"):
            return None
        if isinstance(value, dict):
            return value
        if value is None or value == "default":
            return None  # Grafana's default datasource: unknown here, left unset
        if not isinstance(value, str):
            return None
        m = re.fullmatch(r"\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)\]\]", value)
        name = next((g for g in m.groups() if g), None) if m else None
        if name in self.variables and isinstance(self.variables[name], str):
            return {"type": self.variables[name], "uid": "${%s}" % name}
        if name in self.inputs and isinstance(self.inputs[name], str):
            return {"type": self.inputs[name], "uid": "${%s}" % name}
        if value == "-- Mixed --":
            return {"type": "datasource", "uid": "-- Mixed --"}
        if value == "-- Grafana --":
            return {"type": "grafana", "uid": "-- Grafana --"}
        if value == "-- Dashboard --":
            return {"type": "datasource", "uid": "-- Dashboard --"}
        return {"uid": value}


def V33(dash):
    """Panel and target datasource names → references."""
    dash["schemaVersion"] = 33
    index = Datasources(dash)
    for p in _all_panels(dash):
        p["datasource"] = index.ref(p.get("datasource"), True)
        for t in p.get("targets") or () if isinstance(p.get("targets"), list) else ():
            if isinstance(t, dict) and "datasource" in t:
                ref = index.ref(t["datasource"], True)
                if ref is not None:
                    t["datasource"] = ref


def V34(dash):
    """CloudWatch queries with several statistics are split (none in Prometheus dashboards)."""
    dash["schemaVersion"] = 34
    for p in _all_panels(dash):
        for t in p.get("targets") or () if isinstance(p.get("targets"), list) else ():
            if isinstance(t, dict) and all(k in t for k in ("dimensions", "namespace", "region", "metricName")) \
                    and isinstance(t.get("statistics"), list) and len(t["statistics"]) > 1:
                raise ImportProblem("", "", "a CloudWatch query with several statistics (V34 is not implemented)")


def V35(dash):
    """A timeseries panel whose axes are all hidden keeps its time axis."""
    dash["schemaVersion"] = 35
    for p in _all_panels(dash):
        if p.get("type") != "timeseries" or not isinstance(p.get("fieldConfig"), dict):
            continue
        custom = ((p["fieldConfig"].get("defaults") or {}).get("custom") or {})
        if isinstance(custom, dict) and custom.get("axisPlacement") == "hidden":
            p["fieldConfig"]["overrides"] = list(p["fieldConfig"].get("overrides") or []) + [{
                "matcher": {"id": "byType", "options": "time"},
                "properties": [{"id": "custom.axisPlacement", "value": "auto"}]}]


def V36(dash):
    """Annotation, variable, panel and target datasources become references; a target
    without one takes its panel's."""
    dash["schemaVersion"] = 36
    index = Datasources(dash)
    for a in ((dash.get("annotations") or {}).get("list") or ()) if isinstance(dash.get("annotations"), dict) else ():
        if isinstance(a, dict):
            a["datasource"] = index.ref(a.get("datasource"), False)
    for v in _variables(dash):
        if v.get("type") == "query" and "datasource" in v and v["datasource"] is None:
            v["datasource"] = None  # the default datasource: unknown here
    for p in _panels(dash):
        _v36_panel(p, index, nested=False)
        for n in p.get("panels") or () if isinstance(p.get("panels"), list) else ():
            if isinstance(n, dict):
                _v36_panel(n, index, nested=True)


def _v36_panel(p: dict, index: Datasources, nested: bool) -> None:
    targets = p.get("targets") if isinstance(p.get("targets"), list) else []
    if not targets:
        if nested or p.get("type") == "row":
            return
        targets = p["targets"] = [{"refId": "A"}]
    ds = p.get("datasource")
    if ds is not None and not (isinstance(ds, dict) and not ds):
        p["datasource"] = index.ref(ds, False)
    for t in targets:
        if not isinstance(t, dict):
            continue
        own = t.get("datasource")
        if own is None or (isinstance(own, dict) and own.get("uid") is None):
            panel_ds = p.get("datasource")
            if isinstance(panel_ds, dict):
                if panel_ds.get("uid") != "-- Mixed --":
                    t["datasource"] = dict(panel_ds)
                else:
                    t["datasource"] = index.ref(own, False)
        else:
            t["datasource"] = index.ref(own, False)


MIGRATIONS = {15: V15, 16: V16, 17: V17, 18: V18, 19: V19, 20: V20, 21: V21, 22: V22, 23: V23, 24: V24, 25: V25,
              26: V26, 27: V27, 28: V28, 29: V29, 30: V30, 31: V31, 32: V32, 33: V33, 34: V34, 35: V35, 36: V36}
