"""`mac import --check`: does the generated Python compile back to the dashboard it came from?

Both sides are normalized the same way before they are compared (README, "Import"):
- what describes one Grafana instance's copy is dropped: the dashboard's id, version,
  iteration, __inputs/__requires/__elements, and panel ids (mac numbers panels itself);
- null, "", [] and {} mean "not set" and are dropped (Grafana reads them so);
- the first threshold step's value is null (Grafana reads it as -Infinity whatever it is);
- a row's position is its y (Grafana draws rows across the grid, one unit high);
- Grafana's built-in "Annotations & Alerts" query is added where missing (Grafana adds it
  when it loads a dashboard);
- values equal to the defaults Grafana fills in are dropped (DEFAULTS below, per panel
  type, per variable kind, for queries and the dashboard).
Any other difference is reported with its JSON path."""
from __future__ import annotations

import copy
from typing import Any, List, Tuple

from ..emit.grafana import BUILTIN_ANNOTATIONS
from .dashboard import GRAFANA_GRID_POS, GRAFANA_THRESHOLDS, INSTANCE_KEYS

_REDUCE = {"options.reduceOptions.calcs": ["lastNotNull"], "options.reduceOptions.fields": "",
           "options.reduceOptions.values": False}
_SINGLE = {"fieldConfig.defaults.color": {"mode": "thresholds"}, **_REDUCE}
DEFAULTS = {
    # Grafana's standard thresholds (green, red from 80) apply to every panel that has none.
    "panel": {"transparent": False, "hideTimeOverride": False, "fieldConfig.defaults.thresholds.mode": "absolute",
              "fieldConfig.defaults.thresholds": {"steps": GRAFANA_THRESHOLDS["steps"]}},
    "row": {"collapsed": False},
    "timeseries": {"fieldConfig.defaults.color": {"mode": "palette-classic"}, "options.tooltip.mode": "single",
                   "options.tooltip.sort": "none", "fieldConfig.defaults.custom.fillOpacity": 0,
                   "fieldConfig.defaults.custom.thresholdsStyle.mode": "off"},
    "stat": {**_SINGLE, "options.graphMode": "area", "options.colorMode": "value"},
    "gauge": _SINGLE,
    "bargauge": {**_SINGLE, "options.orientation": "auto", "options.displayMode": "gradient"},
    "target": {"instant": False, "format": "time_series", "hide": False},
    "variable": {"hide": 0, "skipUrlSync": False, "multi": False, "includeAll": False},
    "query": {"refresh": 1, "sort": 0},
    "datasource": {"refresh": 1},
    "dashboard": {"editable": True, "graphTooltip": 0, "time": {"from": "now-6h", "to": "now"}, "liveNow": False},
}


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _clean(value):
    """null, "", [] and {} dropped from objects, all the way down (kept in lists)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _clean(v)
            if not _empty(v):
                out[k] = v
        return out
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _strip(obj: dict, defaults: dict) -> None:
    for path, default in defaults.items():
        *parents, last = path.split(".")
        node = obj
        for key in parents:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and last in node and node[last] == default:
            del node[last]


def _panel(panel: dict) -> dict:
    panel = dict(panel)
    panel.pop("id", None)
    steps = (((panel.get("fieldConfig") or {}).get("defaults") or {}).get("thresholds") or {}).get("steps")
    if isinstance(steps, list) and steps and isinstance(steps[0], dict):
        steps[0] = dict(steps[0], value=None)
    _strip(panel, DEFAULTS.get(panel.get("type"), {}))
    _strip(panel, DEFAULTS["panel"])
    if not panel.get("gridPos"):
        panel["gridPos"] = GRAFANA_GRID_POS
    if panel.get("type") == "row" and isinstance(panel.get("gridPos"), dict):
        # A row spans the grid one unit high wherever it is: only its y counts.
        panel["gridPos"] = {"x": 0, "y": panel["gridPos"].get("y", 0), "w": 24, "h": 1}
    targets = []
    for t in panel.get("targets") or ():
        t = dict(t) if isinstance(t, dict) else t
        if isinstance(t, dict):
            if "datasource" in t and t["datasource"] == panel.get("datasource"):
                del t["datasource"]  # a query without one uses its panel's
            if t.get("instant") is True and t.get("range") is False:
                del t["range"]  # an instant query runs no range query unless range says so
            _strip(t, DEFAULTS["target"])
        targets.append(t)
    if "targets" in panel:
        panel["targets"] = targets
    if "panels" in panel:
        panel["panels"] = [_panel(p) for p in panel["panels"] or ()]
    return panel


def normalize(dash: dict) -> dict:
    dash = copy.deepcopy(dash)
    for key in INSTANCE_KEYS:
        dash.pop(key, None)
    annotations = list(((dash.get("annotations") or {}).get("list")) or ())
    if not any(isinstance(a, dict) and a.get("builtIn") for a in annotations):
        annotations.insert(0, BUILTIN_ANNOTATIONS)
    dash["annotations"] = {"list": annotations}
    dash["panels"] = [_panel(p) for p in dash.get("panels") or () if isinstance(p, dict)]
    variables = []
    for v in (dash.get("templating") or {}).get("list") or ():
        if isinstance(v, dict):
            v = _clean(v)
            _strip(v, DEFAULTS["variable"])
            _strip(v, DEFAULTS.get(v.get("type"), {}))
            if v.get("type") != "datasource" and "datasource" in v and not v["datasource"]:
                del v["datasource"]
        variables.append(v)
    dash["templating"] = {"list": variables}
    dash = _clean(dash)
    _strip(dash, DEFAULTS["dashboard"])
    # Defaults stripped: a panel's field config may now be empty.
    return _clean(dash)


def differences(a, b, path="$") -> List[Tuple[str, Any, Any]]:
    """(JSON path, value in a, value in b) where a and b differ; a missing key is None."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            sub = f"{path}.{key}" if str(key).isidentifier() else f"{path}[{key!r}]"
            out.extend(differences(a.get(key), b.get(key), sub))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(differences(x, y, f"{path}[{i}]"))
        return out
    if a == b and type(a) is type(b) or (_num(a) and _num(b) and a == b):
        return []
    return [(path, a, b)]


def _num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def compiled_json(source: str, variable: str) -> dict:
    """The dashboard JSON mac compiles the generated module to (run in memory)."""
    from ..emit.grafana import dashboard_data

    namespace: dict = {"__name__": "mac_import_check"}
    exec(compile(source, "<imported>", "exec"), namespace)
    return dashboard_data(namespace[variable])


def check(migrated: dict, source: str, variable: str) -> List[Tuple[str, Any, Any]]:
    return differences(normalize(migrated), normalize(compiled_json(source, variable)))


# ---- rules ---------------------------------------------------------------------------------

def _rule(data: dict) -> dict:
    """A rule as Prometheus reads it: the expression without its surrounding blank space and
    common indentation (mac writes it so), labels and annotations as text, order free."""
    import textwrap

    from .rules import _text

    out = {k: v for k, v in data.items() if v is not None}
    out["expr"] = textwrap.dedent(str(out.get("expr", ""))).strip()
    for key in ("labels", "annotations"):
        if out.get(key):
            out[key] = {str(k): _text(v) for k, v in sorted(out[key].items())}
        else:
            out.pop(key, None)
    return out


def _group(data: dict) -> dict:
    out = {k: v for k, v in data.items() if v is not None and k != "rules"}
    if not out.get("limit"):
        out.pop("limit", None)  # 0: no limit
    out["rules"] = [_rule(r) for r in data.get("rules") or ()]
    return out


def rule_differences(inputs, source: str) -> List[Tuple[str, Any, Any]]:
    """(path, input, compiled) where the groups the generated module compiles to differ from
    the input groups (as read; group names as made unique)."""
    from ..emit.prometheus_rules import group_data
    from ..model import RuleGroup

    namespace: dict = {"__name__": "mac_import_check"}
    exec(compile(source, "<imported>", "exec"), namespace)
    groups = [v for v in namespace.values() if isinstance(v, RuleGroup)]
    compiled = {"groups": [_group(group_data(g)) for g in groups]}
    return differences({"groups": [_group(dict(g)) for g in inputs]}, compiled)
