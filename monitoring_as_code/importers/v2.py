"""A Grafana 13 v2 dashboard (dashboard.grafana.app/v2 spec) read back as the classic model,
which the rest of the importer reads: the inverse of emit/grafana_v2.py, field for field, so
a dashboard mac writes for Grafana 13 imports to the Python it was compiled from.

Panels come back at their absolute grid positions: a row starts below what is above it and
its panels' y is counted from below its header, as v2 keeps them (Grafana's
v2 → v1 conversion places rows the same way). A panel whose queries share one datasource
gets it as the panel's datasource; queries on different ones make a mixed panel."""
from __future__ import annotations

from typing import List, Optional

from ..emit.grafana_v2 import (CURSOR_SYNC, DEFAULT_REFRESH_INTERVALS, HIDE, LEGACY_STRING_VALUE_KEY, REFRESH,
                               SORT)
from . import ImportProblem

SCHEMA_VERSION = 41
MIXED = {"type": "datasource", "uid": "-- Mixed --"}
_CURSOR = {v: k for k, v in CURSOR_SYNC.items()}
_HIDE = {v: k for k, v in HIDE.items()}
_REFRESH = {v: k for k, v in REFRESH.items()}
_SORT = {v: k for k, v in SORT.items()}
_CLASSIC_KIND = {"QueryVariable": "query", "DatasourceVariable": "datasource", "CustomVariable": "custom",
                 "ConstantVariable": "constant", "IntervalVariable": "interval", "TextVariable": "textbox",
                 "AdhocVariable": "adhoc"}


def is_v2(api_version: str) -> bool:
    return api_version.endswith("/v2") or "/v2alpha" in api_version or "/v2beta" in api_version


def to_classic(path: str, spec: dict, uid: str) -> dict:
    if not isinstance(spec, dict):
        raise ImportProblem(path, "$.spec", "not an object")
    elements = spec.get("elements") or {}
    if not isinstance(elements, dict):
        raise ImportProblem(path, "$.spec.elements", "not an object")
    out = {"uid": uid, "title": spec.get("title", ""), "schemaVersion": SCHEMA_VERSION, "version": 1,
           "tags": list(spec.get("tags") or []), "editable": spec.get("editable", True),
           "graphTooltip": _CURSOR.get(spec.get("cursorSync"), 0),
           "panels": _panels(path, spec.get("layout") or {}, elements),
           "templating": {"list": [_variable(v) for v in spec.get("variables") or [] if isinstance(v, dict)
                                   and v.get("kind") in _CLASSIC_KIND]},
           "annotations": {"list": [_annotation(a) for a in spec.get("annotations") or [] if isinstance(a, dict)]}}
    if spec.get("description"):
        out["description"] = spec["description"]
    if spec.get("liveNow"):
        out["liveNow"] = True
    if spec.get("preload"):
        out["preload"] = True
    if isinstance(spec.get("revision"), int):
        out["revision"] = spec["revision"]
    links = spec.get("links") or []
    if links:
        out["links"] = [_dashboard_link(l) for l in links if isinstance(l, dict)]
    _time_settings(out, spec.get("timeSettings") or {})
    return out


def _time_settings(out: dict, ts: dict) -> None:
    out["time"] = {"from": ts.get("from", "now-6h"), "to": ts.get("to", "now")}
    out["timezone"] = ts.get("timezone", "browser")
    if ts.get("autoRefresh"):
        out["refresh"] = ts["autoRefresh"]
    if ts.get("fiscalYearStartMonth"):
        out["fiscalYearStartMonth"] = ts["fiscalYearStartMonth"]
    if ts.get("weekStart"):
        out["weekStart"] = ts["weekStart"]
    picker = {}
    intervals = ts.get("autoRefreshIntervals")
    if intervals and list(intervals) != DEFAULT_REFRESH_INTERVALS:
        picker["refresh_intervals"] = list(intervals)
    if ts.get("hideTimepicker"):
        picker["hidden"] = True
    if ts.get("nowDelay"):
        picker["nowDelay"] = ts["nowDelay"]
    if ts.get("quickRanges"):
        picker["quick_ranges"] = list(ts["quickRanges"])
    if picker:
        out["timepicker"] = picker


def _dashboard_link(link: dict) -> dict:
    out = {k: v for k, v in link.items() if v not in (None, "", [], False) or k in ("title", "type")}
    return out


# --- layout -------------------------------------------------------------------------------------

def _items(layout: dict) -> List[dict]:
    if layout.get("kind") != "GridLayout":
        return []
    return [i for i in (layout.get("spec") or {}).get("items") or [] if isinstance(i, dict)]


def _panels(path: str, layout: dict, elements: dict) -> List[dict]:
    kind = layout.get("kind")
    if kind == "GridLayout":
        return [_placed(path, item, elements, 0) for item in _items(layout)]
    if kind != "RowsLayout":
        raise ImportProblem(path, "$.spec.layout", f"layout {kind!r}: only GridLayout and RowsLayout are read")
    out, cursor = [], 0
    for row in (layout.get("spec") or {}).get("rows") or []:
        spec = row.get("spec") or {}
        items = _items(spec.get("layout") or {})
        if spec.get("hideHeader"):
            placed = [_placed(path, item, elements, cursor) for item in items]
            out.extend(placed)
            cursor = max([cursor] + [p["gridPos"]["y"] + p["gridPos"]["h"] for p in placed])
            continue
        collapsed = bool(spec.get("collapse"))
        panel = {"type": "row", "title": spec.get("title", ""), "collapsed": collapsed,
                 "gridPos": {"h": 1, "w": 24, "x": 0, "y": cursor}, "panels": []}
        if (spec.get("repeat") or {}).get("value"):
            panel["repeat"] = spec["repeat"]["value"]
        children = [_placed(path, item, elements, cursor + 1) for item in items]
        out.append(panel)
        if collapsed:
            panel["panels"] = children
            cursor += 1
        else:
            out.extend(children)
            cursor = max([cursor + 1] + [p["gridPos"]["y"] + p["gridPos"]["h"] for p in children])
    return out


def _placed(path: str, item: dict, elements: dict, top: int) -> dict:
    spec = item.get("spec") or {}
    name = (spec.get("element") or {}).get("name", "")
    element = elements.get(name)
    if not isinstance(element, dict):
        raise ImportProblem(path, "$.spec.layout", f"element {name!r} is not in spec.elements")
    panel = _panel(path, name, element)
    panel["gridPos"] = {"h": spec.get("height", 3), "w": spec.get("width", 6), "x": spec.get("x", 0),
                        "y": top + spec.get("y", 0)}
    repeat = spec.get("repeat") or {}
    if repeat.get("value"):
        panel["repeat"] = repeat["value"]
        if repeat.get("direction"):
            panel["repeatDirection"] = repeat["direction"]
        if repeat.get("maxPerRow"):
            panel["maxPerRow"] = repeat["maxPerRow"]
    return panel


# --- panels -------------------------------------------------------------------------------------

def _panel(path: str, name: str, element: dict) -> dict:
    spec = element.get("spec") or {}
    if element.get("kind") == "LibraryPanel":
        return {"id": spec.get("id", 0), "title": spec.get("title", ""), "libraryPanel": spec.get("libraryPanel", {})}
    if element.get("kind") != "Panel":
        raise ImportProblem(path, f"$.spec.elements.{name}", f"element kind {element.get('kind')!r} is not read")
    viz = spec.get("vizConfig") or {}
    viz_spec = viz.get("spec") or {}
    options = dict(viz_spec.get("options") or {})
    options.pop("__angularMigration", None)
    field_config = viz_spec.get("fieldConfig") or {}
    defaults = dict(field_config.get("defaults") or {})
    if defaults == {"custom": {}}:
        defaults = {}
    out = {"id": spec.get("id", 0), "type": viz.get("group", ""), "title": spec.get("title", ""),
           "options": options, "fieldConfig": {"defaults": defaults,
                                               "overrides": list(field_config.get("overrides") or [])}}
    if spec.get("description"):
        out["description"] = spec["description"]
    if viz.get("version"):
        out["pluginVersion"] = viz["version"]
    if spec.get("links"):
        out["links"] = list(spec["links"])
    if spec.get("transparent"):
        out["transparent"] = True
    data = (spec.get("data") or {}).get("spec") or {}
    targets, refs = [], []
    for query in data.get("queries") or []:
        q = query.get("spec") or {}
        dq = q.get("query") or {}
        target = dict(dq.get("spec") or {})
        target["refId"] = q.get("refId", "")
        if q.get("hidden"):
            target["hide"] = True
        refs.append(_ref(dq))
        targets.append(target)
    shared = refs[0] if refs and all(r == refs[0] for r in refs) else None
    if shared is not None:
        if shared:
            out["datasource"] = shared
    elif refs:
        out["datasource"] = dict(MIXED)
        for target, ref in zip(targets, refs):
            if ref:
                target["datasource"] = ref
    out["targets"] = targets
    transformations = []
    for t in data.get("transformations") or []:
        # v2: {kind: "Transformation", group: id}; v2beta1: {kind: id, spec: {id, …}}
        item = {"id": t.get("group") or (t.get("spec") or {}).get("id") or t.get("kind", "")}
        item.update({k: v for k, v in (t.get("spec") or {}).items() if k in ("options", "disabled", "filter", "topic")})
        transformations.append(item)
    if transformations:
        out["transformations"] = transformations
    for key, value in (data.get("queryOptions") or {}).items():
        out[key] = value
    return out


def _ref(data_query: dict) -> Optional[dict]:
    """The classic datasource reference of a v2 DataQuery: its group (type) and name (uid)."""
    name = (data_query.get("datasource") or {}).get("name")
    group = data_query.get("group", "")
    if name:
        return {"type": group, "uid": name} if group else {"uid": name}
    return {}


# --- variables and annotations ------------------------------------------------------------------

def _variable(var: dict) -> dict:
    spec = dict(var.get("spec") or {})
    kind = _CLASSIC_KIND[var["kind"]]
    out = {"type": kind, "name": spec.pop("name", ""), "hide": _HIDE.get(spec.pop("hide", "dontHide"), 0)}
    if "refresh" in spec:
        out["refresh"] = _REFRESH.get(spec.pop("refresh"), 0)
    if "sort" in spec:
        out["sort"] = _SORT.get(spec.pop("sort"), 0)
    if kind == "query":
        query = spec.pop("query", {}) or {}
        q = query.get("spec") or {}
        out["query"] = q[LEGACY_STRING_VALUE_KEY] if set(q) == {LEGACY_STRING_VALUE_KEY} else ("" if not q else q)
        ref = _ref(query)
        if ref:
            out["datasource"] = ref
    elif kind == "datasource":
        out["query"] = spec.pop("pluginId", "")
    elif kind == "adhoc":
        name = (var.get("datasource") or {}).get("name")
        if name:
            out["datasource"] = {"type": var.get("group", ""), "uid": name} if var.get("group") else {"uid": name}
        for key in ("baseFilters", "defaultKeys"):
            if not spec.get(key):
                spec.pop(key, None)
    if kind == "interval":
        spec.pop("refresh", None)
        out["refresh"] = 2
    for key, value in spec.items():
        if (key, value) in (("allowCustomValue", True), ("skipUrlSync", False)):
            continue  # Grafana's defaults
        if key == "current" and value == {"text": "", "value": ""}:
            continue  # v2 writes an empty current where the classic model has none
        if value in ("", None) and key in ("label", "description", "regex", "allValue", "definition"):
            continue
        if key in ("options",) and value == []:
            continue
        out[key] = value
    return out


def _annotation(item: dict) -> dict:
    spec = dict(item.get("spec") or {})
    query = spec.pop("query", {}) or {}
    out = dict(spec.pop("legacyOptions", {}) or {})
    for key in ("name", "enable", "hide", "iconColor"):
        if key in spec:
            out[key] = spec.pop(key)
    if spec.pop("builtIn", False):
        out["builtIn"] = 1
    ref = _ref(query)
    if ref:
        out["datasource"] = ref
    elif query.get("group"):
        out["datasource"] = {"type": query["group"]}
    if query.get("spec"):
        out["target"] = dict(query["spec"])
    for key in ("filter", "mappings"):
        if key in spec:
            out[key] = spec.pop(key)
    return out
