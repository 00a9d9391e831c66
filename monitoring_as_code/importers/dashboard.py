"""Classic dashboard JSON (schema 41, after migrate.py) → mac's model objects.

Every key lands in a typed field where the model has one; what does not fit goes to the
`extra` of the object it belongs to, so nothing is lost. Where mac writes a choice of its own
when a field is left unset (a multi-series tooltip, a default fill, a refresh of 30s, …) and
the input leaves that key to Grafana, the importer writes Grafana's default explicitly, so the
compiled dashboard means what the input meant."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

from .. import options as o
from ..model import panels as P
from ..model import variables as V
from ..model.dashboard import Dashboard
from ..model.fieldconfig import Link, Override, PrometheusAnnotation
from ..model.jsonmap import JsonObject, freeze_json, from_json
from . import ImportProblem, json_path

PANEL_CLASSES = {cls.grafana_type: cls for cls in (
    P.TimeSeries, P.Stat, P.Gauge, P.BarGauge, P.Table, P.Text, P.Heatmap, P.PieChart, P.StateTimeline,
    P.StatusHistory, P.Histogram, P.BarChart, P.Logs, P.NodeGraph, P.Geomap, P.DashList, P.AnnoList, P.AlertList)}
LEGACY = {"graph": "timeseries", "singlestat": "stat", "table-old": "table"}
# Grafana's defaults where mac writes a choice of its own when the model leaves a field unset.
GRAFANA_THRESHOLDS = {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 80}]}
# Where Grafana puts a panel that has no gridPos (PanelModel's defaults).
GRAFANA_GRID_POS = {"x": 0, "y": 0, "w": 6, "h": 3}
MAPPING_CLASSES = {"value": o.ValueMap, "range": o.RangeMap, "regex": o.RegexMap, "special": o.SpecialValueMap}
VARIABLE_CLASSES = {cls.kind: cls for cls in V.VARIABLE_KINDS}
# Keys of a dashboard that describe one Grafana instance's copy, not the dashboard: dropped
# (README, "Import": the normalization).
INSTANCE_KEYS = ("id", "version", "iteration", "__inputs", "__requires", "__elements")


def is_plugin_id(kind: str) -> bool:
    """Grafana plugin ids are <org>-<name>-<type> (plugin.json); core panels are one word."""
    parts = kind.split("-")
    return len(parts) >= 3 and parts[-1] in ("panel", "app") and all(p.isalnum() for p in parts)


class Importer:
    def __init__(self, path: str) -> None:
        self.path = path
        # What mac writes for a panel that names no datasource: the dashboard's variable.
        self.default_ref = None

    def fail(self, where, message):
        raise ImportProblem(self.path, json_path(where), message)

    # ---- datasources -------------------------------------------------------------------

    def datasource(self, value, where):
        if value is None:
            return None
        if isinstance(value, str):
            return value  # a uid or name (schema < 36 wrote names; V36 rewrote most)
        if isinstance(value, dict):  # keys besides type and uid are kept in its extra
            return from_json(o.DataSourceRef, value)
        self.fail(where, f"a datasource is a reference {{type, uid}}, not {value!r:.60}")

    def variable_datasource(self, data: dict, where):
        ds = data.pop("datasource", None)
        if isinstance(ds, str):
            return P.DataSourceName(ds)
        return self.datasource(ds, where + ["datasource"])

    # ---- panels ------------------------------------------------------------------------

    def panels(self, items, where) -> list:
        """Top-level panels: a row takes the panels after it (until the next row) unless it
        is collapsed, in which case it holds its own."""
        out: List[Any] = []
        current: Optional[dict] = None
        for i, item in enumerate(items or ()):
            here = where + [i]
            if not isinstance(item, dict):
                self.fail(here, "a panel is a JSON object")
            if item.get("type") == "row":
                if current is not None:
                    out.append(self.row(*current))
                current = (item, here, [])
                if item.get("collapsed"):
                    current[2].extend(self.panel(p, here + ["panels", j])
                                      for j, p in enumerate(item.get("panels") or ()))
                    out.append(self.row(*current))
                    current = None
                continue
            panel = self.panel(item, here)
            (current[2] if current is not None else out).append(panel)
        if current is not None:
            out.append(self.row(*current))
        return out

    def row(self, data: dict, where, children) -> P.Row:
        known = {"type", "id", "title", "collapsed", "panels", "gridPos", "repeat", "datasource"}
        if data.get("panels") and not data.get("collapsed"):
            self.fail(where + ["panels"], "an expanded row holds no panels of its own (Grafana ignores them)")
        pos = self.grid_pos(data.get("gridPos") or GRAFANA_GRID_POS, where + ["gridPos"])
        # A row spans the grid one unit high wherever it is (Grafana draws it so: only y counts).
        kwargs = dict(title=data.get("title") or "", panels=children, collapsed=bool(data.get("collapsed")),
                      grid_pos=P.GridPos(0, pos.y, 24, 1))
        if data.get("repeat"):
            kwargs["repeat"] = data["repeat"]
        if "datasource" in data and data["datasource"] is not None:
            kwargs["datasource"] = self.datasource(data["datasource"], where + ["datasource"])
        extra = {k: freeze_json(v) for k, v in data.items() if k not in known and v is not None}
        return P.Row(**kwargs, extra=extra)

    def grid_pos(self, value, where) -> Optional[P.GridPos]:
        if value is None:
            return None
        try:
            return P.GridPos(int(value.get("x", 0)), int(value.get("y", 0)), int(value["w"]), int(value["h"]))
        except (AttributeError, KeyError, TypeError, ValueError):
            self.fail(where, f"a grid position is {{x, y, w, h}} in whole numbers, not {value!r:.80}")

    def panel(self, data: dict, where) -> P.Panel:
        data = dict(data)
        kind = data.pop("type", None)
        if not isinstance(kind, str) or not kind:
            self.fail(where + ["type"], "a panel needs a type")
        if kind in LEGACY:
            self.fail(where + ["type"], f"{kind!r} is an Angular panel Grafana migrates to {LEGACY[kind]!r} "
                      "when it loads the dashboard; that migration is not implemented yet")
        cls = PANEL_CLASSES.get(kind)
        kwargs: Dict[str, Any] = {}
        if cls is None:
            if not is_plugin_id(kind):
                self.fail(where + ["type"], f"unknown panel type {kind!r}: not one of Grafana's core panels "
                          f"({', '.join(sorted(PANEL_CLASSES))}) and not a plugin id (<org>-<name>-panel)")
            cls = P.PluginPanel
            kwargs["type"] = kind
        data.pop("id", None)
        kwargs["title"] = data.pop("title", "") or ""
        if "description" in data:
            kwargs["description"] = data.pop("description") or ""
        own = data.pop("datasource", None)
        kwargs["datasource"] = "" if own is not None and own == self.default_ref else \
            self.datasource(own, where + ["datasource"])
        if isinstance(kwargs["datasource"], str) and kwargs["datasource"]:  # a bare name or uid: written as it is
            kwargs["datasource"] = P.DataSourceName(kwargs["datasource"])
        kwargs["grid_pos"] = self.grid_pos(data.pop("gridPos", None) or GRAFANA_GRID_POS, where + ["gridPos"])
        targets = data.pop("targets", None) or []
        kwargs["queries"] = [self.query(t, i, where + ["targets", i], cls is P.Table, own)
                             for i, t in enumerate(targets)]
        options = data.pop("options", None)
        field_config = data.pop("fieldConfig", None)
        if field_config is not None and not isinstance(field_config, dict):
            self.fail(where + ["fieldConfig"], "fieldConfig is an object {defaults, overrides}")
        field_config = dict(field_config or {})
        defaults = dict(field_config.pop("defaults", None) or {})
        overrides = field_config.pop("overrides", None) or []
        options = self.mac_choices(kind, options, defaults, kwargs)
        if isinstance(options, dict):
            options = dict(options)
            if cls is P.Text:
                for key in ("content", "mode"):
                    if isinstance(options.get(key), str):
                        kwargs[key] = options.pop(key)
            if options:
                kwargs["options"] = self.typed(cls, "options", options)
        elif options is not None:
            kwargs["extra"] = {"options": freeze_json(options)}
        self.field_defaults(cls, defaults, kwargs, where + ["fieldConfig", "defaults"])
        if overrides:
            kwargs["overrides"] = [from_json(Override, ov) if isinstance(ov, dict) else
                                   self.fail(where + ["fieldConfig", "overrides", i], "an override is an object")
                                   for i, ov in enumerate(overrides)]
        if field_config:  # keys of fieldConfig besides defaults and overrides
            kwargs.setdefault("extra", {})["fieldConfig"] = freeze_json(field_config)
        if data.get("transformations"):
            kwargs["transformations"] = [from_json(o.Transformation, t) for t in data.pop("transformations")]
        if data.get("links"):
            kwargs["links"] = [from_json(Link, link) for link in data.pop("links")]
        for key, name, types in (("repeat", "repeat", str), ("repeatDirection", "repeat_direction", str),
                                 ("maxPerRow", "max_per_row", int), ("interval", "interval", str),
                                 ("maxDataPoints", "max_data_points", int), ("timeFrom", "time_from", str),
                                 ("timeShift", "time_shift", str), ("hideTimeOverride", "hide_time_override", bool),
                                 ("transparent", "transparent", bool), ("pluginVersion", "plugin_version", str),
                                 ("cacheTimeout", "cache_timeout", str), ("queryCachingTTL", "query_caching_ttl", int)):
            if key in data:
                value = data.pop(key)
                if value is None or value == "":
                    continue
                if isinstance(value, types) and not (types is int and isinstance(value, bool)):
                    if key == "repeatDirection" and value not in ("h", "v"):
                        kwargs.setdefault("extra", {})[key] = value
                        continue
                    kwargs[name] = value
                else:
                    kwargs.setdefault("extra", {})[key] = freeze_json(value)
        for key in ("transformations", "links"):
            data.pop(key, None)  # empty lists
        rest = {k: freeze_json(v) for k, v in data.items() if v is not None}
        if rest:
            kwargs["extra"] = {**kwargs.get("extra", {}), **rest}
        return cls(**kwargs)

    def mac_choices(self, kind, options, defaults, kwargs):
        """Grafana's defaults written out where mac has a choice of its own (see the module)."""
        custom = defaults.get("custom") if isinstance(defaults.get("custom"), dict) else None
        if kind == "timeseries":
            if isinstance(options, dict) or options is None:
                tooltip = dict((options or {}).get("tooltip") or {})
                tooltip.setdefault("mode", "single")
                tooltip.setdefault("sort", "none")
                options = dict(options or {}, tooltip=tooltip)
            custom = dict(custom or {})
            fill = custom.pop("fillOpacity", 0)
            if isinstance(fill, int) and not isinstance(fill, bool):
                kwargs["fill_opacity"] = fill
            else:
                custom["fillOpacity"] = fill
            if "thresholds" in defaults:
                custom.setdefault("thresholdsStyle", {"mode": "off"})
            defaults["custom"] = custom
        elif kind in ("stat", "gauge", "bargauge"):
            defaults.setdefault("thresholds", GRAFANA_THRESHOLDS)
            if kind == "bargauge" and (isinstance(options, dict) or options is None):
                options = dict(options or {})
                options.setdefault("orientation", "auto")
                options.setdefault("displayMode", "gradient")
        return options

    def typed(self, cls, name, value):
        tp = _field_type(cls, name)
        if isinstance(tp, type) and issubclass(tp, JsonObject) and tp is not JsonObject:
            return from_json(tp, value)
        return freeze_json(value)

    def field_defaults(self, cls, defaults: dict, kwargs, where) -> None:
        extra = {}
        for key, value in defaults.items():
            if value is None:
                continue
            if key == "unit" and isinstance(value, str):
                kwargs["unit"] = value
            elif key in ("min", "max") and _number(value):
                kwargs[key] = value
            elif key == "decimals" and isinstance(value, int) and not isinstance(value, bool):
                kwargs["decimals"] = value
            elif key == "thresholds" and self.thresholds(value, kwargs, cls):
                pass
            elif key == "color" and isinstance(value, dict):
                kwargs["color"] = from_json(o.FieldColor, value)
            elif key == "mappings" and isinstance(value, list) and all(
                    isinstance(m, dict) and m.get("type") in MAPPING_CLASSES for m in value):
                if value:
                    kwargs["mappings"] = [from_json(MAPPING_CLASSES[m["type"]], m) for m in value]
            elif key == "noValue" and isinstance(value, str):
                kwargs["no_value"] = value
            elif key == "displayName" and isinstance(value, str):
                kwargs["display_name"] = value
            elif key == "nullValueMode" and isinstance(value, str):
                kwargs["null_value_mode"] = value
            elif key in ("unitScale", "fieldMinMax") and isinstance(value, bool):
                kwargs["unit_scale" if key == "unitScale" else "field_min_max"] = value
            elif key == "links" and isinstance(value, list) and all(isinstance(x, dict) for x in value):
                if value:
                    kwargs["field_links"] = [from_json(Link, x) for x in value]
            elif key == "custom" and isinstance(value, dict):
                if value:
                    kwargs["custom"] = self.typed(cls, "custom", value)
            else:
                extra[key] = freeze_json(value)
        if extra:
            kwargs["field_extra"] = extra

    def thresholds(self, value, kwargs, cls) -> bool:
        if not isinstance(value, dict) or set(value) - {"mode", "steps"}:
            return False
        mode = value.get("mode") or "absolute"  # validateFieldConfig: no mode is absolute
        steps = value.get("steps") or []
        if not steps:
            kwargs["thresholds"] = []  # a config without steps (Grafana colours with its fallback grey)
            if mode != "absolute":
                kwargs["threshold_mode"] = mode
            return mode in ("absolute", "percentage")
        if any(s.get("value") is None for s in steps[1:] if isinstance(s, dict)):
            return False  # nothing mac's Threshold list can say: kept in field_extra as it is
        if mode not in ("absolute", "percentage") or not all(
                isinstance(s, dict) and set(s) <= {"color", "value"} and isinstance(s.get("color"), str)
                and (s.get("value") is None or _number(s.get("value"))) for s in steps):
            return False
        # Grafana reads the first step as "from -Infinity" whatever value it stores.
        kwargs["thresholds"] = [P.Threshold(None if i == 0 else s.get("value"), s["color"])
                                for i, s in enumerate(steps)]
        if mode != "absolute":
            kwargs["threshold_mode"] = mode
        return True

    # ---- queries -----------------------------------------------------------------------

    def query(self, data, index: int, where, table: bool = False, panel_ds=None) -> P.Query:
        if not isinstance(data, dict):
            self.fail(where, "a query (target) is a JSON object")
        from ..emit.grafana import ref_id

        data = dict(data)
        kwargs: Dict[str, Any] = {}
        expr = data.pop("expr", None)
        if expr is not None and not isinstance(expr, str):
            self.fail(where + ["expr"], f"expr is {type(expr).__name__}, not a string")
        ref = data.pop("refId", None)
        if ref != ref_id(index):
            kwargs["ref_id"] = ref if isinstance(ref, str) else ""
            if not isinstance(ref, str):
                data["refId"] = ref
                if ref is None:
                    del data["refId"]
        if isinstance(data.get("legendFormat"), str):
            kwargs["legend"] = data.pop("legendFormat")
        for key in ("format", "range", "instant"):
            if data.get(key, 0) in (None, ""):
                del data[key]  # null and "": not set
        if data.get("instant") is True:
            # mac's instant query is an instant table unless format says otherwise: keep the
            # input's format (Grafana's default, time_series, when it has none).
            data.pop("instant")
            kwargs["instant"] = True
            if data.get("range") is False:
                del data["range"]  # what mac writes for an instant query
            if data.get("format", "time_series") in P.Query.CHOICES["format"]:
                kwargs["format"] = data.pop("format", "time_series")
        elif table and "format" not in data and "range" not in data:
            kwargs["format"] = "time_series"  # mac makes a table's queries instant tables
        for key, name, types in (("instant", "instant", bool), ("range", "range", bool), ("format", "format", str),
                                 ("interval", "interval", str), ("intervalFactor", "interval_factor", int),
                                 ("step", "step", int), ("exemplar", "exemplar", bool), ("hide", "hide", bool),
                                 ("editorMode", "editor_mode", str), ("queryType", "query_type", str)):
            if key in data and isinstance(data[key], types) and not (types is int and isinstance(data[key], bool)):
                if name in P.Query.CHOICES and data[key] not in P.Query.CHOICES[name]:
                    continue
                if key == "instant" and data[key] is False:
                    data.pop(key)
                    continue
                kwargs[name] = data.pop(key)
        if "datasource" in data:
            ds = data.pop("datasource")
            if ds is not None and ds == panel_ds and ds == self.default_ref:
                pass  # the panel's, which is the dashboard's variable: mac's default, written so
            elif ds is not None:
                kwargs["datasource"] = self.datasource(ds, where + ["datasource"])
        extra = {k: freeze_json(v) for k, v in data.items() if v is not None}
        return P.Query(expr or "", **kwargs, extra=extra)

    # ---- variables, annotations, the dashboard -------------------------------------------

    def variable(self, data, where):
        if not isinstance(data, dict):
            self.fail(where, "a variable is a JSON object")
        data = {k: v for k, v in data.items() if v is not None}
        kind = data.pop("type", None)
        cls = VARIABLE_CLASSES.get(kind)
        if cls is None:
            self.fail(where + ["type"],
                      f"unknown variable type {kind!r} (known: {', '.join(sorted(VARIABLE_CLASSES))})")
        name = data.pop("name", None)
        if not isinstance(name, str):
            self.fail(where + ["name"], "a variable's name is a string")  # (Grafana loads an empty one)
        kwargs: Dict[str, Any] = {"name": name}
        hide = data.pop("hide", 0)
        kwargs["hide"] = {0: False, 1: "label", 2: True}.get(hide, False)
        if hide not in (0, 1, 2):
            data["hide"] = hide
        for key, field in (("label", "label"), ("description", "description"), ("skipUrlSync", "skip_url_sync")):
            if key in data:
                kwargs[field] = data.pop(key)
        if isinstance(data.get("current"), dict):
            current = data.pop("current")
            if current:
                kwargs["current"] = from_json(o.VariableOption, current)
        if isinstance(data.get("options"), list) and hasattr(cls, "options"):
            kwargs["options"] = [from_json(o.VariableOption, x) for x in data.pop("options")]
        # Grafana's variable defaults (initial*VariableModelState) where mac has its own.
        if cls is V.DatasourceVariable:
            kwargs["plugin"] = data.pop("query", "")
            kwargs.update(label=kwargs.get("label"), multi=data.pop("multi", False),
                          include_all=data.pop("includeAll", False), refresh=data.pop("refresh", 1),
                          regex=data.pop("regex", ""))
            kwargs["default"] = None  # the input's current selection, if any, is kept as it is
        elif cls is V.QueryVariable:
            kwargs.update(query=data.pop("query", ""), multi=data.pop("multi", False),
                          include_all=data.pop("includeAll", False), refresh=data.pop("refresh", 1),
                          sort=data.pop("sort", 0), regex=data.pop("regex", ""))
            all_value = data.pop("allValue", None)
            if kwargs["include_all"]:
                kwargs["all_value"] = all_value or None
            else:
                kwargs["all_value"] = None
                if all_value is not None:
                    data["allValue"] = all_value
            if "definition" in data:
                kwargs["definition"] = data.pop("definition")
            kwargs["datasource"] = self.variable_datasource(data, where)
        elif cls is V.AdHocVariable:
            kwargs["datasource"] = self.variable_datasource(data, where)
            if isinstance(data.get("filters"), list):
                kwargs["filters"] = freeze_json(data.pop("filters"))
        else:
            if isinstance(data.get("query"), str):
                kwargs["query"] = data.pop("query")
            else:
                kwargs["query"] = ""
            if cls is V.ConstantVariable:
                kwargs["hide"] = kwargs["hide"]
            names = {"multi": "multi", "includeAll": "include_all", "allValue": "all_value", "auto": "auto",
                     "auto_count": "auto_count", "auto_min": "auto_min", "refresh": "refresh"}
            for key, field in names.items():
                if key in data and field in cls.__dataclass_fields__:
                    kwargs[field] = data.pop(key)
        obj = cls(**kwargs, extra={k: freeze_json(v) for k, v in data.items()})
        problems = [p for p in obj.type_problems]
        if problems:
            self.fail(where, "; ".join(problems))
        return obj

    def dashboard(self, data: dict) -> Dashboard:
        data = {k: v for k, v in data.items() if k not in INSTANCE_KEYS and v is not None}
        data.pop("schemaVersion", None)
        uid = data.pop("uid", "")
        title = data.pop("title", "")
        if not isinstance(uid, str) or not uid:
            self.fail(["uid"], "the dashboard has no uid (mac names its output by uid): give it one in Grafana")
        kwargs: Dict[str, Any] = {"title": title, "uid": uid}
        variables_data = (data.get("templating") or {}).get("list") or ()
        first = next((v for v in variables_data if isinstance(v, dict) and v.get("type") == "datasource"), None)
        if first is not None and isinstance(first.get("name"), str) and isinstance(first.get("query"), str):
            self.default_ref = {"type": first["query"], "uid": "${%s}" % first["name"]}
        kwargs["panels"] = self.panels(data.pop("panels", None), ["panels"])
        if data.get("rows") == []:
            del data["rows"]
        if "rows" in data:
            self.fail(["rows"], "old-style rows (schema < 16) are not supported")
        kwargs["tags"] = list(data.pop("tags", None) or [])
        kwargs["description"] = data.pop("description", "") or ""
        templating = data.pop("templating", None) or {}
        variables = [self.variable(v, ["templating", "list", i]) for i, v in enumerate(templating.get("list") or ())]
        kwargs["variables"] = variables
        kwargs["datasource_variable_added"] = any(isinstance(v, V.DatasourceVariable) for v in variables)
        time = data.pop("time", None) or {}
        kwargs["time_from"] = time.get("from", "now-6h")
        kwargs["time_to"] = time.get("to", "now")
        kwargs["refresh"] = data.pop("refresh", "")
        kwargs["timezone"] = data.pop("timezone", "")
        kwargs["graph_tooltip"] = data.pop("graphTooltip", 0)
        kwargs["editable"] = data.pop("editable", True)
        annotations = (data.pop("annotations", None) or {}).get("list") or []
        kwargs["annotations"] = [from_json(PrometheusAnnotation if _prometheus_annotation(a) else o.Annotation, a)
                                 for a in annotations]
        kwargs["links"] = [from_json(o.DashboardLink, x) for x in (data.pop("links", None) or ())]
        if isinstance(data.get("timepicker"), dict):
            picker = data.pop("timepicker")
            if picker:
                kwargs["timepicker"] = from_json(o.TimePickerConfig, picker)
        for key, name in (("weekStart", "week_start"), ("fiscalYearStartMonth", "fiscal_year_start_month"),
                          ("liveNow", "live_now")):
            if key in data:
                kwargs[name] = data.pop(key)
        kwargs["extra"] = {k: freeze_json(v) for k, v in data.items()}
        dashboard = Dashboard(**kwargs)
        problems = _all_problems(dashboard)
        if problems:
            self.fail([], "; ".join(problems[:5]))
        return dashboard


def _prometheus_annotation(a) -> bool:
    ds = a.get("datasource") if isinstance(a, dict) else None
    return isinstance(ds, dict) and ds.get("type") == "prometheus"


def _all_problems(dashboard) -> List[str]:
    out = list(dashboard.type_problems)
    for item in dashboard.panels:
        out.extend(item.type_problems)
        for p in getattr(item, "panels", ()):
            out.extend(p.type_problems)
            for q in p.queries:
                out.extend(q.type_problems)
        for q in getattr(item, "queries", ()):
            out.extend(q.type_problems)
    return out


def _field_type(cls, name):
    import typing

    from ..model.jsonmap import _strip_optional

    hints = typing.get_type_hints(cls)
    return _strip_optional(hints[name])


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def import_dashboard(path: str, data: dict, dropped: Optional[dict] = None,
                     datasource_variable: bool = False) -> Tuple[Dashboard, dict]:
    """(the model, the input migrated to schema 41). dropped: filled with the keys Grafana no
    longer reads that were left out (inert.py), and how often. datasource_variable: Prometheus
    references rewritten to ${datasource} (datasource_variable.py)."""
    from . import inert
    from .migrate import migrate

    migrated = migrate(path, data)
    if datasource_variable:
        from .datasource_variable import rewrite

        rewrite(migrated)
    gone = inert.drop(migrated)
    if dropped is not None:
        dropped.update(gone)
    return Importer(path).dashboard(migrated), migrated
