"""Bring what grafanalib users have: a grafanalib Dashboard becomes a mac Dashboard, so it
is emitted by the same, schema-valid emitter instead of grafanalib's own JSON."""
from __future__ import annotations

from typing import List, Optional, Tuple

from . import diagnostics as diag
from .model import (BarGauge, Dashboard, DatasourceVariable, Gauge, GridPos, Query, QueryVariable,
                    Row, Stat, Table, Threshold, TimeSeries)
from .source import Source

RULE = "grafanalib/unsupported"


def _queries(panel, where) -> Tuple[Query, ...]:
    return tuple(Query(t.expr, legend=t.legendFormat or "", instant=bool(t.instant), source=where)
                 for t in panel.targets if getattr(t, "expr", ""))


def _thresholds(panel) -> Tuple[Threshold, ...]:
    steps = []
    for i, t in enumerate(getattr(panel, "thresholds", None) or ()):
        base = i == 0 or getattr(t, "index", None) == 0
        steps.append(Threshold(None if base else t.value, t.color))
    return tuple(steps)


def _common(panel, where) -> dict:
    out = dict(title=panel.title or "", queries=_queries(panel, where), description=panel.description or "",
               thresholds=_thresholds(panel), source=where)
    pos = panel.gridPos
    if pos is not None:
        out["grid_pos"] = GridPos(pos.x, pos.y, pos.w, pos.h)
    return out


def _panel(panel, where, problems: List[diag.Diagnostic]):
    import grafanalib.core as g

    common = _common(panel, where)
    if isinstance(panel, g.TimeSeries):
        return TimeSeries(unit=panel.unit or "", min=panel.valueMin, max=panel.valueMax,
                          decimals=panel.valueDecimals, **common)
    if isinstance(panel, g.Stat):
        return Stat(unit=panel.format or "", decimals=panel.decimals, **common)
    if isinstance(panel, g.GaugePanel):
        return Gauge(unit=panel.format or "", min=panel.min, max=panel.max, decimals=panel.decimals, **common)
    if isinstance(panel, g.BarGauge):
        return BarGauge(unit=panel.format or "", min=panel.min, max=panel.max, decimals=panel.decimals, **common)
    if isinstance(panel, g.Table):
        return Table(unit=panel.unit or "", **common)
    problems.append(diag.error(where, RULE, f"grafanalib panel type {type(panel).__name__} "
                               f"({panel.title!r}) is not supported",
                               "use TimeSeries, Stat, GaugePanel, BarGauge, Table or RowPanel, or a mac panel"))
    return None


def _variable(template, where, problems):
    if template.type == "datasource":
        return DatasourceVariable(name=template.name, label=template.label or "Data source",
                                  plugin=template.query or "prometheus", source=where)
    if template.type == "query":
        return QueryVariable(template.name, template.query, label=template.label or "",
                             multi=bool(template.multi), include_all=bool(template.includeAll),
                             source=where)
    problems.append(diag.error(where, RULE, f"grafanalib template {template.name!r} of type "
                               f"{template.type!r} is not supported", "use a query or datasource variable"))
    return None


def convert(dashboard, where: Source) -> Tuple[Optional[Dashboard], List[diag.Diagnostic]]:
    import grafanalib.core as g

    problems: List[diag.Diagnostic] = []
    items = []
    for panel in dashboard.panels or ():
        if isinstance(panel, g.RowPanel):
            children = [p for p in (_panel(c, where, problems) for c in panel.panels or ()) if p]
            items.append(Row(panel.title or "", children, collapsed=bool(panel.collapsed), source=where))
        else:
            converted = _panel(panel, where, problems)
            if converted is not None:
                items.append(converted)
    for row in dashboard.rows or ():  # grafanalib's legacy rows become rows of the grid
        children = [p for p in (_panel(c, where, problems) for c in row.panels or ()) if p]
        items.append(Row(row.title or "", children, collapsed=bool(row.collapse), source=where))
    variables = [v for v in (_variable(t, where, problems) for t in dashboard.templating.list or ()) if v]
    if not dashboard.uid:
        problems.append(diag.error(where, "dashboard/unique-uid",
                                   f"grafanalib dashboard {dashboard.title!r} has no uid",
                                   "set uid=... so the output file and Grafana's key are stable"))
    if problems:
        return None, problems
    return Dashboard(
        title=dashboard.title, uid=dashboard.uid, panels=items, tags=tuple(dashboard.tags or ()),
        description=dashboard.description or "", variables=variables,
        time_from=dashboard.time.start, time_to=dashboard.time.end,
        refresh=dashboard.refresh or "", timezone=dashboard.timezone or "browser", source=where,
    ), problems
