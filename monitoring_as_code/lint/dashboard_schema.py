"""The compiled dashboard JSON validates against Grafana's published schema (v11.6, shipped
in monitoring_as_code/schemas): what Grafana would reject or silently drop."""
import hashlib
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
        return corrected(json.load(f))


ANY = {}
STRING_OR_REF = {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/DataSourceRef"}]}
DATA_LINK = {"type": "object", "properties": {"title": {"type": "string"}, "url": {"type": "string"},
                                               "targetBlank": {"type": "boolean"}}}


def corrected(schema: dict) -> dict:
    """Grafana's published schema, where it contradicts what Grafana itself writes and reads
    (its JSON schemas are generated from CUE, whose `_` "any value" became "an object").
    Each correction names what Grafana does; everything else stays as published."""
    d = schema["definitions"]
    # A matcher's options and a property's value are any value: {"id": "byName", "options":
    # "errors"}, {"id": "unit", "value": "bytes"} (grafana-data MatcherConfig, DynamicConfigValue).
    d["MatcherConfig"]["properties"]["options"] = ANY
    d["DynamicConfigValue"]["properties"]["value"] = ANY
    # Panel links and data links are DataLink {title, url, targetBlank, …}, not DashboardLink.
    d["Panel"]["properties"]["links"] = {"type": "array", "items": DATA_LINK}
    d["FieldConfig"]["properties"]["links"] = {"type": "array", "items": DATA_LINK}
    # Dashboard links: Grafana fills icon, tooltip, tags, … in when they are missing.
    d["DashboardLink"]["required"] = ["title", "type"]
    # fieldConfig.defaults.unitScale (Grafana 10.4–11) and fieldMinMax exist in grafana-data.
    d["FieldConfig"]["properties"].setdefault("unitScale", {"type": "boolean"})
    d["FieldConfig"]["properties"].setdefault("fieldMinMax", {"type": "boolean"})
    # nullValueMode: how the graph panel's successor treats nulls (grafana-data NullValueMode).
    d["FieldConfig"]["properties"].setdefault("nullValueMode", {"type": "string"})
    # A special value mapping's match may be null (Grafana writes it so for "null").
    special = d["SpecialValueMap"]["properties"]["options"]
    if "properties" in special and "match" in special["properties"]:
        special["properties"]["match"] = ANY
    # Datasources named by a bare string ("$datasource"): what dashboards before schema 36
    # wrote, still resolved by name or uid.
    d["Panel"]["properties"]["datasource"] = STRING_OR_REF
    d["VariableModel"]["properties"]["datasource"] = STRING_OR_REF
    # Variables: `definition` (the query as shown), `query` as the Prometheus variable
    # editor's object, `current` text/value lists, and the keys Grafana kept from older
    # versions (tags*, useTags, queryValue, auto*) are read by Grafana and written back.
    v = d["VariableModel"]["properties"]
    v["query"] = ANY
    v["current"] = ANY
    for key in ("definition", "tagsQuery", "tagValuesQuery", "queryValue", "auto_min", "regexApplyTo"):
        v.setdefault(key, {"type": "string"})
    for key in ("useTags", "auto", "allowCustomValue"):
        v.setdefault(key, {"type": "boolean"})
    v.setdefault("auto_count", {"type": "integer"})
    v.setdefault("tags", {"type": "array"})
    # Annotation queries hold their datasource's own keys (Prometheus: tagKeys, titleFormat,
    # textFormat, useValueForTime, step); the target's tags are optional.
    d["AnnotationQuery"]["additionalProperties"] = True
    d["AnnotationTarget"].pop("required", None)
    # A transformation without options runs with its defaults.
    d["DataTransformerConfig"]["required"] = [k for k in d["DataTransformerConfig"].get("required", ()) if k != "options"]
    # Annotation datasources and a panel's gridPos as Grafana reads older dashboards: a
    # datasource named by a string; the iconColor filled in when missing.
    d["AnnotationQuery"]["properties"]["datasource"] = STRING_OR_REF
    d["AnnotationQuery"]["required"] = [k for k in d["AnnotationQuery"].get("required", ()) if k != "iconColor"]
    # gnetId: grafana.com's numeric id, written as a number by most exports.
    schema["definitions"]["Dashboard"]["properties"]["gnetId"] = {"type": ["string", "integer"]}
    return schema


@lru_cache(maxsize=1)
def validator():
    """jsonschema explains a failure precisely; imported only then (it is slow to import)."""
    import jsonschema

    return jsonschema.Draft7Validator(_schema())


GENERATED = os.path.join(os.path.dirname(SCHEMA), "_dashboard_validator.py")


def _schema_digest() -> str:
    with open(SCHEMA, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def generate_code() -> str:
    """fastjsonschema's validator as a Python module, stamped with the schema it checks.
    `make build` writes it (scripts/generate_validator.py; GENERATED is not committed) so each
    run imports it instead of compiling the schema again: a seventh of a second per process."""
    import fastjsonschema

    # use_default=False: by default fastjsonschema writes schema defaults into the data it checks.
    code = fastjsonschema.compile_to_code(_schema(), use_default=False)
    return (f"# Generated by `python -m monitoring_as_code.lint.dashboard_schema` from {os.path.basename(SCHEMA)}.\n"
            f"SCHEMA_SHA256 = {_schema_digest()!r}\n" + code)


@lru_cache(maxsize=1)
def _fast_functions():
    """fastjsonschema's generated functions by name ("validate" is the whole schema), or None
    without fastjsonschema. fastjsonschema is ~25× faster than jsonschema on valid dashboards,
    which are nearly all of them; jsonschema then explains the rare invalid one precisely."""
    try:
        import fastjsonschema
    except ImportError:
        return None
    try:
        from ..schemas import _dashboard_validator as generated
        if generated.SCHEMA_SHA256 == _schema_digest():
            return vars(generated)
    except (ImportError, AttributeError):
        pass  # not generated (a plain `pip install`) or stale: compile it here
    return fastjsonschema.compile(_schema(), use_default=False).__globals__


def prepare() -> None:
    """Import or compile the validators now (parallel.py: once, before forking workers)."""
    _fast_functions()
    _panel_validator()


def fast_validator():
    functions = _fast_functions()
    return None if functions is None else functions["validate"]


@lru_cache(maxsize=1)
def _panel_validator():
    """The generated check of one non-row panel, or None when the schema is not shaped as
    _masked() assumes (then every dashboard is checked whole)."""
    functions = _fast_functions()
    definitions = _schema()["definitions"]
    panel = definitions["Panel"]["properties"]
    plain = {"type": "string"}
    if (functions is None or "validate___definitions_panel" not in functions
            or definitions["Dashboard"]["properties"]["panels"]["items"]
            != {"oneOf": [{"$ref": "#/definitions/Panel"}, {"$ref": "#/definitions/RowPanel"}]}
            or definitions["RowPanel"]["properties"]["type"].get("const") != "row"
            or {k: v for k, v in panel["title"].items() if k != "description"} != plain
            or {k: v for k, v in panel["description"].items() if k != "description"} != plain
            or panel["targets"]["items"] != {"type": "object", "additionalProperties": {}}):
        return None
    try:
        import orjson  # noqa: F401  (keys the verdicts)
    except ImportError:
        return None
    # A panel whose type is not "row" cannot match RowPanel (type is const "row"), so for it
    # `oneOf: [Panel, RowPanel]` is Panel alone.
    return functions["validate___definitions_panel"]


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
        else:  # rows (and anything odd) are few: checked in a dashboard of their own
            try:
                fast(dict(data, panels=[panel]))
            except fastjsonschema.JsonSchemaException:
                return False
    return True


def _culprit(dashboard, data, path):
    """The model panel behind a JSON path under panels/, the variable behind one under
    templating/list/, else the dashboard itself."""
    if len(path) >= 3 and path[:2] == ["templating", "list"] and isinstance(path[2], int):
        variables = dashboard.variables
        if path[2] < len(variables):
            return variables[path[2]]
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
        if data is not None and getattr(ctx.defs, "grafana", "11") == "13":
            from ..emit.grafana_target import v2_spec
            check_v2(ctx, dashboard, v2_spec(ctx.defs, dashboard, data))
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


SCHEMA_V2 = os.path.join(os.path.dirname(SCHEMA), "grafana-dashboard-v2.json")


def corrected_v2(schema: dict) -> dict:
    """Grafana's published v2 schema, where it contradicts what Grafana itself writes: the
    same CUE `_` ("any value") turned into "an object" as in corrected(). Grafana's types are
    Go `map[string]interface{}` / `interface{}` (apps/dashboard/pkg/apis/dashboard/v2)."""
    d = schema["definitions"]
    # Annotation legacyOptions hold any value: Grafana's converter writes {"type": "dashboard"}
    # for the built-in annotation and a Prometheus annotation's expr, step, titleFormat there.
    d["AnnotationQuerySpec"]["properties"]["legacyOptions"] = {"type": "object", "additionalProperties": ANY}
    # A matcher's options and an override property's value are any value ("byName": "errors",
    # "unit": "bytes"), as in the classic model.
    d["MatcherConfig"]["properties"]["options"] = ANY
    d["DynamicConfigValue"]["properties"]["value"] = ANY
    return dict(schema, **{"$ref": "#/definitions/Dashboard"})


@lru_cache(maxsize=1)
def _v2_schema():
    with open(SCHEMA_V2, encoding="utf-8") as f:
        return corrected_v2(json.load(f))


@lru_cache(maxsize=1)
def _v2_fast():
    try:
        import fastjsonschema
    except ImportError:
        return None
    return fastjsonschema.compile(_v2_schema(), use_default=False)


def check_v2(ctx, dashboard, spec: dict) -> None:
    """A dashboard written for Grafana 13 is valid v2 (it is converted from the classic form
    checked above, so this is the converter's check as much as the definitions')."""
    fast = _v2_fast()
    if fast is not None:
        import fastjsonschema

        try:
            fast(spec)
            return
        except fastjsonschema.JsonSchemaException:
            pass
    import jsonschema

    for error in sorted(jsonschema.Draft7Validator(_v2_schema()).iter_errors(spec),
                        key=lambda e: [str(p) for p in e.path]):
        while error.context:
            error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.absolute_schema_path)))
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        ctx.report(dashboard, f"dashboard {dashboard.uid}: v2 schema: {path}: {error.message}",
                   "Grafana 13's v2 dashboard schema rejects the converted dashboard", (dashboard,))


def write_generated() -> str:
    with open(GENERATED, "w", encoding="utf-8") as f:
        f.write(generate_code())
    return GENERATED
