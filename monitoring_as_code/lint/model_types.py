"""Objects hold what they should: a dict where a Panel belongs is reported where it was put."""
from ..diagnostics import Severity
from ..model import AlertRule, Panel, Query, RecordingRule, Row
from ..model import typecheck
from ..model.variables import VARIABLE_KINDS

RULE = "model/type"
SEVERITY = Severity.ERROR


def _name(value) -> str:
    return type(value).__name__


def check(ctx):
    typecheck.check_tree(ctx.defs)
    for obj, owners in typecheck.objects(ctx.defs):
        for message in obj.type_problems:
            ctx.report(obj, message, "give the field a value of the type it takes (see the README)", owners)
    for group in ctx.defs.groups:
        for i, rule in enumerate(group.rules):
            if not isinstance(rule, (AlertRule, RecordingRule)):
                ctx.report(group, f"group {group.name}: rules[{i}] is a {_name(rule)}, not an AlertRule or RecordingRule",
                           "put AlertRule(...) or RecordingRule(...) objects in a RuleGroup")
    for dashboard in ctx.defs.dashboards:
        for i, item in enumerate(dashboard.panels):
            if not isinstance(item, (Panel, Row)):
                ctx.report(dashboard, f"dashboard {dashboard.uid}: panels[{i}] is a {_name(item)}, not a panel or Row",
                           "use TimeSeries, Stat, Gauge, BarGauge, Table or Row")
            elif isinstance(item, Row):
                for j, child in enumerate(item.panels):
                    if not isinstance(child, Panel):
                        ctx.report(item, f"row {item.title!r}: panels[{j}] is a {_name(child)}, not a panel",
                                   "use TimeSeries, Stat, Gauge, BarGauge or Table", (dashboard,))
        for i, variable in enumerate(dashboard.variables):
            if not isinstance(variable, VARIABLE_KINDS):
                ctx.report(dashboard, f"dashboard {dashboard.uid}: variables[{i}] is a {_name(variable)}, not a variable",
                           "use QueryVariable, CustomVariable, IntervalVariable, ConstantVariable, TextBoxVariable, AdHocVariable or DatasourceVariable")
    for dashboard in ctx.defs.dashboards:
        for item in dashboard.panels:
            for panel in (item.panels if isinstance(item, Row) else (item,)):
                if isinstance(panel, Panel):
                    for i, query in enumerate(panel.queries):
                        if not isinstance(query, Query) or not isinstance(query.expr, str):
                            ctx.report(panel, f"panel {panel.title!r}: queries[{i}] is not a PromQL string or Query",
                                       "write the query as a string or Query(expr, legend=...)", (dashboard,))
