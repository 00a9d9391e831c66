"""The classic dashboard model as Grafana 13's v2 schema (dashboard.grafana.app/v2 spec).

A port of Grafana's own converter, the composition grafana/grafana uses for v1beta1 → v2
(apps/dashboard/pkg/migration/conversion): v1beta1_to_v2alpha1.go builds elements, layout,
variables and annotations; v2alpha1_to_v2beta1.go moves each datasource reference into its
DataQuery (`group` = the datasource type, `datasource.name` = its uid) and VizConfig's plugin
id into `group`; v2beta1_to_v2.go makes transformations `{kind: "Transformation", group: id}`.
The function names below are the Go functions they follow. So the v2 dashboard mac writes is
the one Grafana makes from mac's classic output, with four deliberate differences, each to
keep what the user wrote where the v2 schema has a place for it and the Go converter drops it:

- fieldConfig.defaults keeps `fieldMinMax`, `nullValueMode` and `actions` (v2 FieldConfig
  has them; extractFieldConfigDefaults does not copy them);
- a transformation keeps `disabled`, `filter` and `topic` (v2 TransformationSpec has them;
  transformPanelTransformations copies only id and options), and its `options` is `{}`
  when the classic one has none (the schema requires an object);
- a range mapping without `from` or `to` writes null as the schema requires (Go: nil);
- a special value mapping whose `match` is none of SpecialValueMatch's values (older exports
  write null) is left out: Grafana's frontend matches no value with it, and the Go converter
  would write `"match": ""`, which the v2 schema rejects.

Without a running Grafana there is no datasource index: a reference by uid alone resolves
through the stack's datasource (uid → type), and "the default datasource" is the one mac
provisions as default, Prometheus (getDatasourceTypeByUID / getDefaultDatasourceType)."""
from __future__ import annotations

from typing import Dict, List, Optional

DEFAULT_TYPE = "prometheus"
LEGACY_STRING_VALUE_KEY = "__legacyStringValue"
GRID_ROW_HEIGHT = 1
DEFAULT_REFRESH_INTERVALS = ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"]
# knownPanelProperties: keys of the classic Panel; any other key is an Angular option.
KNOWN_PANEL_PROPERTIES = frozenset((
    "type", "id", "pluginVersion", "targets", "title", "description", "transparent", "datasource", "gridPos",
    "links", "repeat", "repeatDirection", "maxPerRow", "maxDataPoints", "transformations", "interval", "timeFrom",
    "timeShift", "hideTimeOverride", "timeCompare", "libraryPanel", "cacheTimeout", "queryCachingTTL", "options",
    "fieldConfig", "autoMigrateFrom"))
CURSOR_SYNC = {0: "Off", 1: "Crosshair", 2: "Tooltip"}
HIDE = {0: "dontHide", 1: "hideLabel", 2: "hideVariable"}
REFRESH = {0: "never", 1: "onDashboardLoad", 2: "onTimeRangeChanged"}
# SpecialValueMatch: what a special value mapping can match.
SPECIAL_MATCHES = ("true", "false", "null", "nan", "null+nan", "empty")
SORT = {0: "disabled", 1: "alphabeticalAsc", 2: "alphabeticalDesc", 3: "numericalAsc", 4: "numericalDesc",
        5: "alphabeticalCaseInsensitiveAsc", 6: "alphabeticalCaseInsensitiveDesc", 7: "naturalAsc",
        8: "naturalDesc"}


class Datasources:
    """What the converter asks Grafana's datasource index: a type by uid, the default type."""

    def __init__(self, known: Optional[Dict[str, str]] = None, default_type: str = DEFAULT_TYPE):
        self.known = dict(known or {})
        self.default_type = default_type

    def type_of(self, uid: str) -> str:
        if not uid:
            return self.default_type
        return self.known.get(uid, self.default_type)


# --- helpers with the Go helpers' semantics -------------------------------------------------

def _str(m: dict, key: str, default: str = "") -> str:
    value = m.get(key)
    return value if isinstance(value, str) else default


def _bool(m: dict, key: str, default: bool) -> bool:
    value = m.get(key)
    return value if isinstance(value, bool) else default


def _int(m: dict, key: str, default: int) -> int:
    value = m.get(key)
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return default
    return default


def _enum(table: dict, value, names) -> str:
    if isinstance(value, bool):
        return table[0]
    if isinstance(value, (int, float)):
        return table.get(int(value), table[0])
    if isinstance(value, str) and value in names:
        return value
    return table[0]


def _strings(m: dict, key: str) -> List[str]:
    value = m.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _is_template_variable(s: str) -> bool:
    return s.startswith("$")


def _string_or_list(value):
    """buildStringOrArrayOfString."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, dict) and isinstance(value.get(LEGACY_STRING_VALUE_KEY), str):
        return value[LEGACY_STRING_VALUE_KEY]
    return ""


def _ref_id(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if index < 26:
        return letters[index]
    return _ref_id(index // 26 - 1) + letters[index % 26]


def _data_query(group: str, uid: str, spec) -> dict:
    """A v2 DataQuery (convertDataQuery_V2alpha1_to_V2beta1): the datasource type as group,
    its uid as datasource.name when there is one."""
    out = {"kind": "DataQuery", "group": group, "version": "v0", "spec": spec}
    if uid:
        out["datasource"] = {"name": uid}
    return out


# --- the dashboard ----------------------------------------------------------------------------

def convert(dashboard: dict, datasources: Optional[Datasources] = None) -> dict:
    """convertDashboardSpec_V1beta1_to_V2alpha1, then the v2beta1 and v2 steps."""
    ds = datasources or Datasources()
    elements, layout = _elements_and_layout(dashboard, ds)
    out = {
        "annotations": _annotations(dashboard),
        "cursorSync": CURSOR_SYNC.get(_int(dashboard, "graphTooltip", 0), "Off"),
        "editable": _bool(dashboard, "editable", True),
        "elements": elements,
        "layout": layout,
        "links": _links(dashboard),
        "liveNow": _bool(dashboard, "liveNow", False),
        "preload": _bool(dashboard, "preload", False),
        "tags": _strings(dashboard, "tags"),
        "timeSettings": _time_settings(dashboard),
        "title": _str(dashboard, "title"),
        "variables": _variables(dashboard, ds),
    }
    if _str(dashboard, "description"):
        out["description"] = dashboard["description"]
    revision = dashboard.get("revision")
    if isinstance(revision, (int, float)) and not isinstance(revision, bool):
        out["revision"] = int(revision) & 0xFFFF
    return out


def _time_settings(dashboard: dict) -> dict:
    """transformTimeSettings."""
    out = {"from": "now-6h", "to": "now", "timezone": "browser", "autoRefresh": "",
           "autoRefreshIntervals": list(DEFAULT_REFRESH_INTERVALS), "fiscalYearStartMonth": 0,
           "hideTimepicker": False}
    time = dashboard.get("time")
    if isinstance(time, dict):
        out["from"] = _str(time, "from") or out["from"]
        out["to"] = _str(time, "to") or out["to"]
    if isinstance(dashboard.get("timezone"), str):
        out["timezone"] = dashboard["timezone"]
    out["autoRefresh"] = _str(dashboard, "refresh") or out["autoRefresh"]
    out["fiscalYearStartMonth"] = _int(dashboard, "fiscalYearStartMonth", 0)
    if _str(dashboard, "weekStart"):
        out["weekStart"] = dashboard["weekStart"]
    picker = dashboard.get("timepicker")
    if isinstance(picker, dict):
        intervals = _strings(picker, "refresh_intervals")
        if intervals:
            out["autoRefreshIntervals"] = intervals
        out["hideTimepicker"] = _bool(picker, "hidden", False)
        if _str(picker, "nowDelay"):
            out["nowDelay"] = picker["nowDelay"]
        ranges = picker.get("quick_ranges")
        if isinstance(ranges, list):
            out["quickRanges"] = [{"display": _str(r, "display"), "from": _str(r, "from"), "to": _str(r, "to")}
                                  for r in ranges if isinstance(r, dict)]
    return out


def _links(dashboard: dict) -> list:
    """transformLinks."""
    out = []
    for link in dashboard.get("links") or ():
        if not isinstance(link, dict):
            continue
        item = {"title": _str(link, "title"), "type": _str(link, "type", "link") or "link",
                "icon": _str(link, "icon"), "tooltip": _str(link, "tooltip"), "tags": _strings(link, "tags"),
                "asDropdown": _bool(link, "asDropdown", False), "targetBlank": _bool(link, "targetBlank", False),
                "includeVars": _bool(link, "includeVars", False), "keepTime": _bool(link, "keepTime", False)}
        if isinstance(link.get("url"), str):
            item["url"] = link["url"]
        if isinstance(link.get("placement"), str):
            item["placement"] = link["placement"]
        out.append(item)
    return out


# --- panels: elements and layout --------------------------------------------------------------

def _grid(items: list) -> dict:
    return {"kind": "GridLayout", "spec": {"items": items}}


def _elements_and_layout(dashboard: dict, ds: Datasources):
    """transformPanelsToElementsAndLayout: a GridLayout, or a RowsLayout when any panel is a row."""
    panels = dashboard.get("panels")
    elements: Dict[str, dict] = {}
    if not isinstance(panels, list):
        return elements, _grid([])
    panels = [p for p in panels if isinstance(p, dict)]
    if not any(_str(p, "type") == "row" for p in panels):
        items = []
        for panel in panels:
            name = _element(panel, elements, ds)
            items.append(_grid_item(panel, name, None))
        return elements, _grid(items)
    rows, current, row_y = [], None, 0
    for panel in panels:
        if _str(panel, "type") == "row":
            grid_pos = panel.get("gridPos")
            row_y = _int(grid_pos, "y", 0) if isinstance(grid_pos, dict) else row_y
            if current is not None:
                if current["spec"].get("hideHeader"):
                    current["spec"]["collapse"] = False
                rows.append(current)
            items = []
            for child in panel.get("panels") or ():
                if isinstance(child, dict):
                    name = _element(child, elements, ds)
                    items.append(_grid_item(child, name, _y_in_row(child, row_y)))
            current = _row(panel, items)
        else:
            name = _element(panel, elements, ds)
            if current is not None:
                current["spec"]["layout"]["spec"]["items"].append(_grid_item(panel, name, _y_in_row(panel, row_y)))
            else:
                # Panels above the first row: a row without a header, its grid starting at 0.
                row_y = -1
                current = {"kind": "RowsLayoutRow", "spec": {"collapse": False, "hideHeader": True, "title": "",
                                                             "layout": _grid([_grid_item(panel, name, 0)])}}
    if current is not None:
        rows.append(current)
    return elements, {"kind": "RowsLayout", "spec": {"rows": rows}}


def _y_in_row(panel: dict, row_y: int) -> int:
    """yOffsetInRows: a panel's y counted from below its row's header."""
    grid_pos = panel.get("gridPos")
    if isinstance(grid_pos, dict):
        return _int(grid_pos, "y", 0) - row_y - GRID_ROW_HEIGHT
    return 0


def _row(panel: dict, items: list) -> dict:
    """buildRowKind."""
    row = {"kind": "RowsLayoutRow", "spec": {"collapse": _bool(panel, "collapsed", False),
                                             "title": _str(panel, "title"), "layout": _grid(items)}}
    if _str(panel, "repeat"):
        row["spec"]["repeat"] = {"mode": "variable", "value": panel["repeat"]}
    return row


def _grid_item(panel: dict, name: str, y: Optional[int]) -> dict:
    """buildGridItemKind (defaults as the frontend's PanelModel: w=6, h=3)."""
    grid_pos = panel.get("gridPos") if isinstance(panel.get("gridPos"), dict) else {}
    spec = {"x": _int(grid_pos, "x", 0), "y": _int(grid_pos, "y", 0) if y is None else y,
            "width": _int(grid_pos, "w", 6), "height": _int(grid_pos, "h", 3),
            "element": {"kind": "ElementReference", "name": name}}
    if _str(panel, "repeat"):
        repeat = {"mode": "variable", "value": panel["repeat"]}
        if _str(panel, "repeatDirection") in ("h", "v"):
            repeat["direction"] = panel["repeatDirection"]
        if _int(panel, "maxPerRow", 0) > 0:
            repeat["maxPerRow"] = _int(panel, "maxPerRow", 0)
        spec["repeat"] = repeat
    return {"kind": "GridLayoutItem", "spec": spec}


def _element(panel: dict, elements: dict, ds: Datasources) -> str:
    """buildElement: `panel-<id>`, a LibraryPanel reference or a Panel."""
    panel_id = _int(panel, "id", 0)
    name = f"panel-{panel_id}"
    library = panel.get("libraryPanel")
    if isinstance(library, dict):
        elements[name] = {"kind": "LibraryPanel", "spec": {
            "id": panel_id, "title": _str(panel, "title"),
            "libraryPanel": {"uid": _str(library, "uid"), "name": _str(library, "name")}}}
        return name
    spec = {
        "id": panel_id, "title": _str(panel, "title"), "description": _str(panel, "description"),
        "links": _data_links(panel),
        "data": {"kind": "QueryGroup", "spec": {"queries": _queries(panel, ds),
                                                "transformations": _transformations(panel),
                                                "queryOptions": _query_options(panel)}},
        "vizConfig": _viz_config(panel),
    }
    if _bool(panel, "transparent", False):
        spec["transparent"] = True
    elements[name] = {"kind": "Panel", "spec": spec}
    return name


def _data_links(panel: dict) -> list:
    out = []
    for link in panel.get("links") or ():
        if isinstance(link, dict):
            item = {"title": _str(link, "title"), "url": _str(link, "url")}
            if "targetBlank" in link:
                item["targetBlank"] = _bool(link, "targetBlank", False)
            out.append(item)
    return out


def _resolve(ref: dict, ds: Datasources):
    """A datasource map as (type, uid) with Grafana's resolution; ("", "") when empty."""
    uid, kind = _str(ref, "uid"), _str(ref, "type")
    if not uid and not kind:
        return "", ""
    if uid and not kind and not _is_template_variable(uid):
        kind = ds.type_of(uid)
    if kind == "datasource" and not uid:
        uid = "grafana"  # resolveGrafanaDatasourceUID
    return kind, uid


def _queries(panel: dict, ds: Datasources) -> list:
    """transformPanelQueries and transformSingleQuery, with the datasource moved into the query."""
    targets = panel.get("targets")
    if not isinstance(targets, list):
        return []
    panel_ds = None
    if isinstance(panel.get("datasource"), dict):
        kind, uid = _resolve(panel["datasource"], ds)
        if kind or uid:
            panel_ds = (kind, uid)
    targets = [dict(t) for t in targets if isinstance(t, dict)]
    used = {_str(t, "refId") for t in targets if _str(t, "refId")}
    for target in targets:
        if not _str(target, "refId"):
            index = 0
            while _ref_id(index) in used:
                index += 1
            target["refId"] = _ref_id(index)
            used.add(target["refId"])
    out = []
    for target in targets:
        kind, uid = ("", "")
        if isinstance(target.get("datasource"), dict):
            kind, uid = _resolve(target["datasource"], ds)
        if not kind and not uid and panel_ds is not None:
            if panel_ds[1] and panel_ds[1] != "-- Mixed --":
                kind, uid = panel_ds
            elif panel_ds[0] == "datasource":
                kind, uid = "datasource", "grafana"
        spec = {k: v for k, v in target.items() if k not in ("refId", "hide", "datasource")}
        out.append({"kind": "PanelQuery", "spec": {"query": _data_query(kind, uid, spec), "refId": target["refId"],
                                                   "hidden": _bool(target, "hide", False)}})
    return out


def _transformations(panel: dict) -> list:
    out = []
    for item in panel.get("transformations") or ():
        if not isinstance(item, dict):
            continue
        options = item.get("options")
        spec = {"options": options if isinstance(options, dict) else {}}
        for key in ("disabled", "filter", "topic"):
            if item.get(key) is not None:
                spec[key] = item[key]
        out.append({"kind": "Transformation", "group": _str(item, "id"), "spec": spec})
    return out


def _query_options(panel: dict) -> dict:
    """buildQueryOptions."""
    out = {}
    if _str(panel, "cacheTimeout"):
        out["cacheTimeout"] = panel["cacheTimeout"]
    if _int(panel, "maxDataPoints", 0) > 0:
        out["maxDataPoints"] = _int(panel, "maxDataPoints", 0)
    if _str(panel, "interval"):
        out["interval"] = panel["interval"]
    if _bool(panel, "hideTimeOverride", False):
        out["hideTimeOverride"] = True
    ttl = panel.get("queryCachingTTL")
    if isinstance(ttl, (int, float)) and not isinstance(ttl, bool):
        out["queryCachingTTL"] = int(ttl)
    elif isinstance(ttl, str) and ttl.lstrip("-").isdigit():
        out["queryCachingTTL"] = int(ttl)
    for key in ("timeFrom", "timeShift"):
        if _str(panel, key):
            out[key] = panel[key]
    return out


def _viz_config(panel: dict) -> dict:
    """buildVizConfig, then convertVizConfig_V2alpha1_to_V2beta1 (the plugin id as group)."""
    panel_type = _str(panel, "type", "timeseries") or "timeseries"
    options = dict(panel["options"]) if isinstance(panel.get("options"), dict) else {}
    legend = options.get("legend")
    if isinstance(legend, dict):
        options["legend"] = dict(legend, showLegend=_bool(legend, "showLegend", True))
    angular = {k: v for k, v in panel.items() if k not in KNOWN_PANEL_PROPERTIES}
    migrate_from = _str(panel, "autoMigrateFrom") or (panel_type if angular else "")
    if migrate_from:
        options["__angularMigration"] = {"autoMigrateFrom": migrate_from, "originalOptions": angular}
    field_config = panel.get("fieldConfig") if isinstance(panel.get("fieldConfig"), dict) else {}
    return {"kind": "VizConfig", "group": panel_type, "version": _str(panel, "pluginVersion"),
            "spec": {"options": options, "fieldConfig": {"defaults": _field_defaults(field_config.get("defaults")),
                                                         "overrides": _overrides(field_config)}}}


_NUMBERS = ("decimals", "max", "min")
_STRINGS = ("description", "displayName", "displayNameFromDS", "noValue", "path", "unit", "nullValueMode")
_BOOLS = ("filterable", "writeable", "fieldMinMax")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _field_defaults(defaults) -> dict:
    """extractFieldConfigDefaults (and fieldMinMax, nullValueMode, actions: see the module)."""
    out = {}
    if not isinstance(defaults, dict):
        return {"custom": {}}
    if isinstance(defaults.get("color"), dict):
        color = defaults["color"]
        out["color"] = {"mode": _str(color, "mode")}
        for key in ("fixedColor", "seriesBy"):
            if isinstance(color.get(key), str):
                out["color"][key] = color[key]
    if isinstance(defaults.get("custom"), dict):
        out["custom"] = defaults["custom"]
    for key in _NUMBERS:
        if _number(defaults.get(key)):
            out[key] = defaults[key]
    for key in _STRINGS:
        if isinstance(defaults.get(key), str):
            out[key] = defaults[key]
    for key in _BOOLS:
        if isinstance(defaults.get(key), bool):
            out[key] = defaults[key]
    for key in ("links", "actions"):
        if isinstance(defaults.get(key), list):
            out[key] = defaults[key]
    if "mappings" in defaults:
        mappings = _mappings(defaults["mappings"])
        if mappings:
            out["mappings"] = mappings
    if isinstance(defaults.get("thresholds"), dict):
        thresholds = defaults["thresholds"]
        steps = []
        for step in thresholds.get("steps") or ():
            if isinstance(step, dict):
                value = step.get("value")
                steps.append({"value": value if _number(value) else None, "color": _str(step, "color")})
        out["thresholds"] = {"mode": _str(thresholds, "mode"), "steps": steps}
    return out or {"custom": {}}


def _result(result) -> dict:
    out = {}
    if not isinstance(result, dict):
        return out
    for key in ("text", "color", "icon"):
        if isinstance(result.get(key), str):
            out[key] = result[key]
    if _number(result.get("index")):
        out["index"] = int(result["index"])
    return out


def _mappings(mappings) -> list:
    """buildValueMappings: value, range, regex and special maps; others are dropped."""
    out = []
    for mapping in mappings if isinstance(mappings, list) else ():
        if not isinstance(mapping, dict):
            continue
        kind, options = mapping.get("type"), mapping.get("options")
        if kind == "value":
            item = {"type": "value"}
            if isinstance(options, dict):
                item["options"] = {k: _result(v) for k, v in options.items() if isinstance(v, dict)}
            else:
                item["options"] = {}
            out.append(item)
        elif kind == "range" and isinstance(options, dict) and options:
            if options.get("from") is None and options.get("to") is None:
                continue
            out.append({"type": "range", "options": {
                "from": options["from"] if _number(options.get("from")) else None,
                "to": options["to"] if _number(options.get("to")) else None,
                "result": _result(options.get("result"))}})
        elif kind == "regex" and isinstance(options, dict):
            out.append({"type": "regex", "options": {"pattern": _str(options, "pattern"),
                                                     "result": _result(options.get("result"))}})
        elif kind == "special" and isinstance(options, dict) and options:
            if options.get("match") not in SPECIAL_MATCHES:
                continue  # matches no value (see the module's docstring)
            out.append({"type": "special", "options": {"match": _str(options, "match"),
                                                       "result": _result(options.get("result"))}})
    return out


def _overrides(field_config: dict) -> list:
    """extractFieldConfigOverrides."""
    out = []
    for override in field_config.get("overrides") or ():
        if not isinstance(override, dict):
            continue
        item = {}
        if isinstance(override.get("__systemRef"), str):
            item["__systemRef"] = override["__systemRef"]
        matcher = override.get("matcher")
        item["matcher"] = {"id": _str(matcher, "id")} if isinstance(matcher, dict) else {"id": ""}
        if isinstance(matcher, dict) and matcher.get("options") is not None:
            item["matcher"]["options"] = matcher["options"]
        properties = []
        for prop in override.get("properties") or ():
            if isinstance(prop, dict):
                value = {"id": _str(prop, "id")}
                if prop.get("value") is not None:
                    value["value"] = prop["value"]
                properties.append(value)
        item["properties"] = properties
        out.append(item)
    return out


# --- variables ----------------------------------------------------------------------------------

def _common(var: dict) -> dict:
    out = {"name": _str(var, "name"), "hide": _enum(HIDE, var.get("hide"), ("dontHide", "hideLabel", "hideVariable")),
           "skipUrlSync": _bool(var, "skipUrlSync", False)}
    for key in ("label", "description"):
        if _str(var, key):
            out[key] = var[key]
    return out


def _current(current) -> dict:
    if isinstance(current, dict):
        return {"text": _string_or_list(current.get("text")), "value": _string_or_list(current.get("value"))}
    return {"text": "", "value": ""}


def _options(options) -> list:
    return [{"text": _string_or_list(o.get("text")), "value": _string_or_list(o.get("value")),
             "selected": _bool(o, "selected", False)}
            for o in (options if isinstance(options, list) else ()) if isinstance(o, dict)]


def _var_datasource(var: dict, ds: Datasources):
    ref = var.get("datasource")
    if isinstance(ref, dict):
        uid, kind = _str(ref, "uid"), _str(ref, "type")
        if uid and not kind and not _is_template_variable(uid):
            kind = ds.type_of(uid)
        elif not uid and not kind:
            kind = ds.default_type
        return kind, uid
    return ds.default_type, ""


def _variables(dashboard: dict, ds: Datasources) -> list:
    """transformVariables: one kind per classic type; unknown types are dropped."""
    templating = dashboard.get("templating")
    out = []
    for var in (templating.get("list") or ()) if isinstance(templating, dict) else ():
        if not isinstance(var, dict):
            continue
        kind = _str(var, "type")
        builder = _VARIABLES.get(kind)
        if builder is not None:
            out.append(builder(var, _common(var), ds))
    return out


def _query_variable(var, common, ds):
    kind, uid = _var_datasource(var, ds)
    query = var.get("query")
    if isinstance(query, str):
        spec = {LEGACY_STRING_VALUE_KEY: query} if query else {}
    elif isinstance(query, dict):
        spec = query
    else:
        spec = {}
    out = dict(common, current=_current(var.get("current")), multi=_bool(var, "multi", False),
               includeAll=_bool(var, "includeAll", False), refresh=_enum(REFRESH, var.get("refresh"), REFRESH.values()),
               sort=_enum(SORT, var.get("sort"), SORT.values()), regex=_str(var, "regex"),
               query=_data_query(kind, uid, spec), allowCustomValue=_bool(var, "allowCustomValue", True),
               options=_options(var.get("options")))
    if _str(var, "regexApplyTo"):
        out["regexApplyTo"] = var["regexApplyTo"]
    if isinstance(var.get("definition"), str):
        out["definition"] = var["definition"]
    if _str(var, "allValue"):
        out["allValue"] = var["allValue"]
    return {"kind": "QueryVariable", "spec": out}


def _datasource_variable(var, common, ds):
    plugin = var["query"] if isinstance(var.get("query"), str) else ds.default_type
    out = dict(common, pluginId=plugin, current=_current(var.get("current")), multi=_bool(var, "multi", False),
               includeAll=_bool(var, "includeAll", False), refresh=_enum(REFRESH, var.get("refresh"), REFRESH.values()),
               regex=_str(var, "regex"), allowCustomValue=_bool(var, "allowCustomValue", True),
               options=_options(var.get("options")))
    if _str(var, "allValue"):
        out["allValue"] = var["allValue"]
    return {"kind": "DatasourceVariable", "spec": out}


def _custom_variable(var, common, ds):
    out = dict(common, query=_str(var, "query"), current=_current(var.get("current")), multi=_bool(var, "multi", False),
               includeAll=_bool(var, "includeAll", False), allowCustomValue=_bool(var, "allowCustomValue", True),
               options=_options(var.get("options")))
    if _str(var, "allValue"):
        out["allValue"] = var["allValue"]
    if _str(var, "valuesFormat") in ("csv", "json"):
        out["valuesFormat"] = var["valuesFormat"]
    return {"kind": "CustomVariable", "spec": out}


def _constant_variable(var, common, ds):
    query = var["query"] if isinstance(var.get("query"), str) else ""
    current = _current(var["current"]) if var.get("current") is not None else {"text": query, "value": query}
    return {"kind": "ConstantVariable", "spec": dict(common, query=query, current=current)}


def _interval_variable(var, common, ds):
    query = _str(var, "query")
    if not query and isinstance(var.get("options"), list):
        values = []
        for option in var["options"]:
            if isinstance(option, dict):
                value = option["value"] if "value" in option else option.get("text")
                if isinstance(value, str) and value:
                    values.append(value)
        query = ",".join(values)
    return {"kind": "IntervalVariable", "spec": dict(
        common, query=query, current=_current(var.get("current")), options=_options(var.get("options")),
        refresh="onTimeRangeChanged", auto=_bool(var, "auto", False), auto_min=_str(var, "auto_min"),
        auto_count=_int(var, "auto_count", 0))}


def _text_variable(var, common, ds):
    return {"kind": "TextVariable", "spec": dict(common, query=_str(var, "query"), current=_current(var.get("current")))}


def _filters(filters) -> list:
    out = []
    for item in filters if isinstance(filters, list) else ():
        if not isinstance(item, dict) or item.get("origin", "dashboard") != "dashboard":
            continue
        f = {"key": _str(item, "key"), "operator": _str(item, "operator", "=") or "=", "value": _str(item, "value")}
        for key in ("keyLabel", "condition"):
            if _str(item, key):
                f[key] = item[key]
        for key in ("values", "valueLabels"):
            values = _strings(item, key)
            if values:
                f[key] = values
        out.append(f)
    return out


def _adhoc_variable(var, common, ds):
    kind, uid = _var_datasource(var, ds)
    # The v2 kind holds the type only with a uid (the reference is made only then).
    kind = kind if uid else ""
    keys = []
    for value in var.get("defaultKeys") or ():
        text = _str(value, "text") if isinstance(value, dict) else (value if isinstance(value, str) else "")
        if text:
            keys.append({"text": text, "value": text})
    out = {"kind": "AdhocVariable", "group": kind, "datasource": {"name": uid} if uid else {},
           "spec": dict(common, baseFilters=_filters(var.get("baseFilters")), filters=_filters(var.get("filters")),
                        defaultKeys=keys, allowCustomValue=_bool(var, "allowCustomValue", True))}
    return out


_VARIABLES = {"query": _query_variable, "datasource": _datasource_variable, "custom": _custom_variable,
              "constant": _constant_variable, "interval": _interval_variable, "textbox": _text_variable,
              "adhoc": _adhoc_variable}


# --- annotations --------------------------------------------------------------------------------

_ANNOTATION_KEYS = frozenset(("name", "datasource", "enable", "hide", "iconColor", "filter", "target", "builtIn",
                              "type", "mappings"))


def _annotations(dashboard: dict) -> list:
    """transformAnnotations and buildAnnotationQuery."""
    annotations = dashboard.get("annotations")
    out = []
    for item in (annotations.get("list") or ()) if isinstance(annotations, dict) else ():
        if not isinstance(item, dict):
            continue
        kind, uid = "", ""
        if isinstance(item.get("datasource"), dict):
            uid, kind = _str(item["datasource"], "uid"), _str(item["datasource"], "type")
        target = item.get("target") if isinstance(item.get("target"), dict) else {}
        # The reference is kept only with both uid and type; the type is the group either way.
        query = _data_query(kind, uid if (uid and kind) else "", target)
        spec = {"name": _str(item, "name"), "query": query, "enable": _bool(item, "enable", False),
                "hide": _bool(item, "hide", False), "iconColor": _str(item, "iconColor")}
        built_in = item.get("builtIn")
        if isinstance(built_in, bool):
            spec["builtIn"] = built_in
        elif _number(built_in):
            spec["builtIn"] = built_in != 0
        if isinstance(item.get("filter"), dict):
            filt = item["filter"]
            spec["filter"] = {"ids": [int(i) for i in filt.get("ids") or () if _number(i) and 0 <= i <= 0xFFFFFFFF]}
            if _bool(filt, "exclude", False):
                spec["filter"]["exclude"] = True
        if isinstance(item.get("mappings"), dict):
            mappings = {}
            for key, value in item["mappings"].items():
                if isinstance(value, str) and value:
                    mappings[key] = {"source": "field", "value": value}
                elif isinstance(value, dict):
                    m = {"source": _str(value, "source") or "field"}
                    for k in ("value", "regex"):
                        if _str(value, k):
                            m[k] = value[k]
                    mappings[key] = m
            spec["mappings"] = mappings
        legacy = {}
        if _str(item, "type"):
            legacy["type"] = item["type"]
        for key, value in item.items():
            if key not in _ANNOTATION_KEYS:
                legacy[key] = value
        if legacy:
            spec["legacyOptions"] = legacy
        out.append({"kind": "AnnotationQuery", "spec": spec})
    return out
