"""The compiled dashboard JSON validates against Grafana's published schema (v11.6, shipped
in monitoring_as_code/schemas): what Grafana would reject or silently drop."""
import json
import os
from functools import lru_cache

from ..diagnostics import Severity

RULE = "dashboard/schema"
SEVERITY = Severity.ERROR
SCHEMA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "schemas", "grafana-dashboard-v11.6-sv41.json")


@lru_cache(maxsize=1)
def _schema():
    with open(SCHEMA, encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def validator():
    """jsonschema explains a failure precisely; imported only then (it is slow to import)."""
    import jsonschema

    return jsonschema.Draft7Validator(_schema())


@lru_cache(maxsize=1)
def fast_validator():
    """fastjsonschema compiles the schema to Python: ~25× faster on valid dashboards, which are
    nearly all of them. jsonschema then explains the rare invalid one precisely."""
    try:
        import fastjsonschema
    except ImportError:
        return None
    # use_default=False: by default fastjsonschema writes schema defaults into the data it checks.
    return fastjsonschema.compile(_schema(), use_default=False)


@lru_cache(maxsize=1)
def _panel_validator():
    """fastjsonschema for one item of a dashboard's `panels`, or None when the schema is not
    shaped as _masked() assumes (then every panel is checked whole)."""
    schema = _schema()
    definitions = schema["definitions"]
    panel = definitions["Panel"]["properties"]
    plain = {"type": "string"}
    if ({k: v for k, v in panel["title"].items() if k != "description"} != plain
            or {k: v for k, v in panel["description"].items() if k != "description"} != plain
            or panel["targets"]["items"] != {"type": "object", "additionalProperties": {}}):
        return None
    try:
        import fastjsonschema
        import orjson  # noqa: F401  (keys the verdicts)
    except ImportError:
        return None

    items = definitions["Dashboard"]["properties"]["panels"]["items"]
    return fastjsonschema.compile({"definitions": definitions, **items}, use_default=False)


def _masked(panel: dict) -> dict:
    """The panel with what the schema leaves free blanked out: title and description are any
    string, a target any object. Panels that differ only there get the same verdict, so
    20,000 panels built from a few dozen shapes are validated a few dozen times."""
    out = dict(panel)
    if "title" in out and isinstance(out["title"], str):
        out["title"] = ""
    if "description" in out and isinstance(out["description"], str):
        out["description"] = ""
    targets = out.get("targets")
    if isinstance(targets, list) and all(isinstance(t, dict) for t in targets):
        out["targets"] = [{}] * len(targets)
    return out


_verdicts: dict = {}


def _panel_ok(fast_panel, panel) -> bool:
    import fastjsonschema
    import orjson

    # Keyed and checked as it is written: orjson is also what writes the file (NaN → null).
    key = orjson.dumps(_masked(panel), option=orjson.OPT_SORT_KEYS)
    verdict = _verdicts.get(key)
    if verdict is None:
        try:
            fast_panel(orjson.loads(key))
            verdict = True
        except fastjsonschema.JsonSchemaException:
            verdict = False
        _verdicts[key] = verdict
    return verdict


def is_valid(data) -> bool:
    fast = fast_validator()
    if fast is None:
        return validator().is_valid(data)
    import fastjsonschema

    fast_panel = _panel_validator()
    panels = data.get("panels") if isinstance(data, dict) else None
    try:
        if fast_panel is None or not isinstance(panels, list):
            fast(data)
            return True
        # Valid dashboard = valid without its panels, and every panel a valid item: `panels`
        # constrains its items only (no count, no uniqueness).
        fast(dict(data, panels=[]))
    except fastjsonschema.JsonSchemaException:
        return False
    for panel in panels:
        if isinstance(panel, dict) and panel.get("type") != "row":
            if not _panel_ok(fast_panel, panel):
                return False
        else:
            try:
                fast_panel(panel)
            except fastjsonschema.JsonSchemaException:
                return False
    return True


def _culprit(dashboard, data, path):
    """The model panel behind a JSON path under panels/, else the dashboard itself."""
    node, panel = data, None
    for key in path:
        node = node[key]
        if isinstance(node, dict) and "gridPos" in node and node.get("type") != "row":
            panel = node
    if panel is not None:
        for model in dashboard.all_panels():
            if model.title == panel.get("title"):
                return model
    return dashboard


def check(ctx):
    for dashboard in ctx.dashboards():
        data = ctx.dashboard_json(dashboard)
        if data is None or is_valid(data):
            continue
        for error in sorted(validator().iter_errors(data), key=lambda e: [str(p) for p in e.path]):
            # A panel matches one of several schemas (panel or row): name the deepest miss.
            while error.context:
                error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.absolute_schema_path)))
            path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
            ctx.report(_culprit(dashboard, data, list(error.absolute_path)),
                       f"dashboard {dashboard.uid}: schema: {path}: {error.message}",
                       "Grafana 11.6's dashboard schema rejects this", (dashboard,))
