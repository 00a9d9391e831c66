"""The compiled dashboard JSON validates against Grafana's published schema (v11.6, shipped
in monitoring_as_code/schemas): what Grafana would reject or silently drop."""
import json
import os
from functools import lru_cache

import jsonschema

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


def is_valid(data) -> bool:
    fast = fast_validator()
    if fast is None:
        return validator().is_valid(data)
    import fastjsonschema

    try:
        fast(data)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


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
