"""Stage 2: lint rules over the loaded model, pint-style: one module per rule, each with
RULE (its id), SEVERITY and check(ctx); every problem names the user's file and line.

Rules are turned off for a whole tree with `disable = [...]` under [tool.mac] in
pyproject.toml, or for one object with `ignore=("rule/id",)` on it (a dashboard's or a
group's ignore covers what is inside)."""
from __future__ import annotations

from typing import List, Optional


from ..catalog import catalog as metric_catalog
from ..model import AlertRule, Panel, Query, RecordingRule, Row
from ..diagnostics import Diagnostic, Severity
from ..promql import facts, numeric_variables, parse, substitute_grafana_variables
from ..source import Source
from . import (alert_annotations, alert_comparison, alert_for, alert_grafana_managed, alert_name, alert_name_style, alert_severity,
               dashboard_folder, dashboard_schema, dashboard_title, datasource_variable, durations, extra_typed, finite, group_names,
               model_types, panel_has_queries, panel_layout, panel_title_description, panel_unit, promql_dialect,
               promql_never_matches, promql_rate_counter, promql_rate_window, promql_syntax, promql_unknown_metric,
               rule_labels, rule_templates, stack_alertmanager, stack_allow_all, stack_deploy, stack_grafana_ini, stack_nginx,
               slo_chained, slo_definition, slo_total, stack_prometheus, stack_secrets, stack_sentry, thresholds_from,
               unique_uid)
from .config import Config, load_config

ALL = (model_types, promql_syntax, promql_dialect, promql_never_matches, promql_rate_counter, promql_rate_window,
       promql_unknown_metric, durations, group_names, rule_labels, rule_templates, finite, alert_for, alert_severity,
       alert_annotations, alert_name, alert_name_style, alert_comparison, alert_grafana_managed, unique_uid, dashboard_folder, dashboard_title,
       datasource_variable, thresholds_from, panel_unit, panel_title_description, panel_has_queries, panel_layout,
       dashboard_schema, stack_prometheus, stack_alertmanager, stack_grafana_ini, stack_nginx, stack_allow_all,
       stack_secrets, stack_sentry, stack_deploy, extra_typed, slo_definition, slo_total, slo_chained)


__all__ = ["ALL", "Config", "Context", "Expression", "load_config", "run"]


class Expression:
    """A PromQL expression as the user wrote it, parsed once for every rule that reads it."""

    def __init__(self, text: str, source: Source, owners, where: str, in_dashboard: bool):
        self.text = text
        self.source = source
        self.owners = owners  # the objects whose `ignore` applies, innermost first
        self.where = where  # "alert X", "panel 'Y' of dashboard z"
        self.in_dashboard = in_dashboard
        try:
            self.facts = facts(parse(substitute_grafana_variables(text) if in_dashboard else text), text)
            self.error = None
        except ValueError as exc:
            self.facts, self.error = None, str(exc)
            if in_dashboard and ("$" in text or "[[" in text):
                try:  # a variable where PromQL wants a number (topk($k, …))
                    self.facts, self.error = facts(parse(numeric_variables(text)), text), None
                except ValueError:
                    pass


class Context:
    def __init__(self, defs, config: Optional[Config] = None, catalog: Optional[dict] = None):
        self.defs = defs
        self.config = config or Config()
        # catalog: given when the caller already built it for the same tree (parallel.py).
        self.catalog = catalog if catalog is not None else metric_catalog(defs, self.config.metrics)
        self.problems: List[Diagnostic] = []
        self.rule = ""
        self.severity = Severity.ERROR
        self.help = ""  # the rule's HELP: the hint of a report that gives none
        self._expressions: Optional[List[Expression]] = None
        self._panels = None

    def report(self, where, message: str, help: str = "", owners=(), severity: Optional[Severity] = None) -> None:
        """A problem at `where` (a model object or a Source), unless an owner ignores the rule.
        severity: this report's, when the rule's own does not fit (a guess is a warning)."""
        objects = (where, *owners)
        if any(self.rule in getattr(o, "ignore", ()) for o in objects):
            return
        source = where if isinstance(where, Source) else getattr(where, "source", None)
        self.problems.append(Diagnostic(source, severity or self.severity, self.rule, message, help or self.help))

    def report_at(self, e: "Expression", offset, span: int, message: str, help: str = "",
                  severity: Optional[Severity] = None) -> None:
        """A problem at character `offset` of expression e: at its line and column in the
        user's file when the expression is a literal there, else at the object's line."""
        from ..locate import position

        found = position(e.source, e.text, offset) if offset is not None else None
        if found is None:
            self.report(e.source, message, help, e.owners, severity)
            return
        if any(self.rule in getattr(o, "ignore", ()) for o in e.owners):
            return
        line, column, excerpt = found
        self.problems.append(Diagnostic(Source(e.source.file, line), severity or self.severity, self.rule, message,
                                        help or self.help, column, excerpt, span))

    def expressions(self) -> List[Expression]:
        if self._expressions is None:
            out = []
            for group in self.defs.groups:
                for rule in group.rules:
                    if isinstance(rule, (AlertRule, RecordingRule)) and isinstance(rule.expr, str):
                        out.append(Expression(rule.expr, rule.source, (rule, group), f"{rule.kind} {rule.name}", False))
            for dashboard, panel in self.panels():
                for query in panel.queries:
                    # PromQL only: not another datasource's query (Loki, …), and not an empty
                    # one (Grafana runs no query without an expression).
                    if isinstance(query, Query) and isinstance(query.expr, str) and query.expr.strip() \
                            and _prometheus(query, panel, dashboard):
                        out.append(Expression(query.expr, query.source, (query, panel, dashboard),
                                              f"panel {panel.title!r} of dashboard {dashboard.uid}", True))
            self._expressions = out
        return self._expressions

    def well_formed(self, dashboard) -> bool:
        """Only panels and rows inside: rules that lay out or emit the dashboard need that
        (model/type reports the rest)."""
        return all(isinstance(i, Panel) or (isinstance(i, Row) and all(isinstance(c, Panel) for c in i.panels))
                   for i in dashboard.panels)

    def dashboards(self):
        return [d for d in self.defs.dashboards if self.well_formed(d)]

    def panels(self):
        """(dashboard, panel) for every panel, rows' included; listed once, read by many rules."""
        if self._panels is None:
            self._panels = [(d, p) for d in self.defs.dashboards for p in d.all_panels() if isinstance(p, Panel)]
        return self._panels

    def alerts(self):
        for group in self.defs.groups:
            for alert in group.alerts:
                yield group, alert

    def dashboard_json(self, dashboard) -> Optional[dict]:
        """The compiled JSON, or None when the model cannot be emitted yet (another rule,
        such as panel/thresholds-from or model/type, says why)."""
        from ..emit.grafana import cached_data

        try:
            return cached_data(self.defs, dashboard)
        except (ValueError, TypeError, AttributeError):
            return None


def run(defs, config: Optional[Config] = None, rules=ALL, context: Optional[Context] = None) -> List[Diagnostic]:
    ctx = context or Context(defs, config)
    ctx.problems.extend(defs.problems)
    for module in rules:
        if module.RULE in ctx.config.disable:
            continue
        if getattr(module, "OPTIONAL", False) and module.RULE not in ctx.config.enable:
            continue
        ctx.rule, ctx.severity, ctx.help = module.RULE, module.SEVERITY, getattr(module, "HELP", "")
        module.check(ctx)
    # The same message of the same rule at the same line says nothing more the second time
    # (an SLO's selector is read by each of the rules it compiles to).
    unique, seen = [], set()
    for p in ctx.problems:
        key = (str(p.source), p.rule, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return sorted(unique, key=Diagnostic.sort_key)


def _prometheus(query, panel, dashboard) -> bool:
    """Whether a query goes to a Prometheus datasource: its own or its panel's reference says
    so by its type, or by the datasource variable it names ($loki is a Loki variable); mac's
    default is the Prometheus variable."""
    import re

    from ..model.variables import DatasourceVariable
    from ..options import DataSourceRef

    kinds = {v.name: v.plugin for v in dashboard.variables if isinstance(v, DatasourceVariable)}
    for ref in (query.datasource, panel.datasource):
        if ref == "" and dashboard.datasource_variable is not None:
            return dashboard.datasource_variable.plugin == "prometheus"  # mac's default: the variable
        uid = ref.uid if isinstance(ref, DataSourceRef) else ref
        if isinstance(ref, DataSourceRef) and ref.type:
            return ref.type == "prometheus"
        if isinstance(uid, str) and uid:
            m = re.fullmatch(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]", uid)
            name = next((g for g in m.groups() if g), None) if m else None
            return kinds.get(name, "prometheus") == "prometheus"
    return True
