"""`extra` is for what the typed fields do not cover: a key there that a typed field writes
(`extra={"unit": "s"}` beside `unit=`) is better said with the field, which is checked."""
from ..diagnostics import Severity
from ..model import jsonmap
from ..model.panels import Panel, Query, Row
from ..model.variables import VARIABLE_KINDS

RULE = "model/extra"
SEVERITY = Severity.WARNING
HELP = "use the typed field instead of extra (see the README, 'Everything else Grafana has')"

# The JSON keys of the hand-written model objects' typed fields (their classes write them in
# emit/grafana.py).
PANEL_KEYS = {"title", "description", "datasource", "gridPos", "targets", "options", "fieldConfig", "type", "id",
              "transformations", "links", "repeat", "repeatDirection", "maxPerRow", "interval", "maxDataPoints",
              "timeFrom", "timeShift", "hideTimeOverride", "transparent", "pluginVersion", "cacheTimeout",
              "queryCachingTTL"}
FIELD_KEYS = {"unit", "min", "max", "decimals", "thresholds", "color", "mappings", "noValue", "displayName", "links",
              "custom", "nullValueMode", "unitScale", "fieldMinMax"}
QUERY_KEYS = {"expr", "legendFormat", "instant", "range", "format", "interval", "intervalFactor", "step",
              "exemplar", "hide", "editorMode", "refId", "datasource", "queryType"}
ROW_KEYS = {"title", "collapsed", "panels", "gridPos", "repeat", "datasource", "type", "id"}
DASHBOARD_KEYS = {"title", "uid", "panels", "tags", "description", "templating", "time", "refresh", "timezone",
                  "graphTooltip", "editable", "annotations", "links", "timepicker", "weekStart",
                  "fiscalYearStartMonth", "liveNow", "schemaVersion", "version"}


def _objects(value):
    """The JSON objects (option classes) inside a value, all the way down."""
    if isinstance(value, jsonmap.JsonObject):
        yield value
        for name, _, _ in jsonmap._spec(type(value)):
            yield from _objects(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _objects(v)


def _say(ctx, obj, what, keys, owners) -> None:
    if keys:
        ctx.report(obj, f"{what}: extra sets {', '.join(sorted(keys))}, which "
                   f"{'has a typed field' if len(keys) == 1 else 'have typed fields'}", HELP, owners)


def check(ctx):
    for dashboard in ctx.dashboards():
        _say(ctx, dashboard, f"dashboard {dashboard.uid}", set(dashboard.extra) & DASHBOARD_KEYS, ())
        for variable in dashboard.variables:
            if isinstance(variable, VARIABLE_KINDS):
                typed = {jsonmap.camel(f) for f in type(variable).__dataclass_fields__} | {"type", "name"}
                _say(ctx, variable, f"variable {variable.name}", set(variable.extra) & typed, (dashboard,))
        for item in dashboard.panels:
            if isinstance(item, Row):
                _say(ctx, item, f"row {item.title!r}", set(item.extra) & ROW_KEYS, (dashboard,))
        for panel in dashboard.all_panels():
            if not isinstance(panel, Panel):
                continue
            where = f"panel {panel.title!r}"
            _say(ctx, panel, where, set(panel.extra) & PANEL_KEYS, (dashboard,))
            _say(ctx, panel, f"{where} (field_extra)", set(panel.field_extra) & FIELD_KEYS, (dashboard,))
            for query in panel.queries:
                if isinstance(query, Query):
                    _say(ctx, query, f"{where}, query {query.expr[:40]!r}", set(query.extra) & QUERY_KEYS,
                         (panel, dashboard))
            for value in (panel.options, panel.custom, panel.color, panel.overrides, panel.mappings,
                          panel.transformations, panel.links, panel.field_links):
                for obj in _objects(value):
                    typed = set(jsonmap.keys_of(type(obj)))
                    _say(ctx, panel, f"{where}, {type(obj).__name__}", set(obj.extra) & typed, (dashboard,))
