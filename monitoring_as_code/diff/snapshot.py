"""Definitions in a neutral form keyed by identity (alert name, record, dashboard uid, panel
title), so reordering definitions changes nothing and a change shows up at its own key."""
from __future__ import annotations

from typing import Dict

from .. import promql
from ..emit.grafana import cached_data
from ..emit.prometheus_rules import expression_text


def _expr(text: str) -> str:
    """Formatting does not count as a change: compare the parsed form."""
    try:
        return promql.normalized(text)
    except ValueError:
        return " ".join(text.split())


def alert_snapshot(rule, group: str) -> dict:
    found = promql.comparison(rule.expr)
    return {
        "group": group, "expr": _expr(rule.expr), "expr_text": expression_text(rule.expr),
        "compared": _expr(found.lhs) if found else None, "op": found.op if found else None,
        "threshold": found.value if found else None,
        "for": rule.for_ or "0s", "keep_firing_for": rule.keep_firing_for or "0s",
        "severity": rule.severity, "labels": dict(rule.labels), "annotations": rule.all_annotations(),
        "source": str(rule.source),
    }


def panel_keys(data: dict) -> Dict[str, dict]:
    """A compiled dashboard's panels (rows' panels too) by the name the diff gives them: the
    title, or the title and type (and a number) when titles repeat."""
    flat = []
    for panel in data["panels"]:
        flat.append(panel)
        flat.extend(panel.get("panels", []))
    out: Dict[str, dict] = {}
    for panel in flat:
        key = panel.get("title", "")
        if key in out or any(p is not panel and p.get("title") == key for p in flat):
            key = f"{key} ({panel['type']})"  # two panels share a title: tell them apart by type
        n = 2
        while key in out:
            key, n = f"{panel.get('title', '')} ({panel['type']}) #{n}", n + 1
        out[key] = panel
    return out


def _panels(defs, dashboard) -> Dict[str, dict]:
    data = cached_data(defs, dashboard)  # built once already, when lint checked it
    links = {p.title: p.thresholds_from.alert.name for p in dashboard.all_panels() if p.thresholds_from is not None}
    out: Dict[str, dict] = {}
    for key, panel in panel_keys(data).items():
        defaults = panel.get("fieldConfig", {}).get("defaults", {})
        out[key] = {
            "type": panel["type"],
            "queries": [_expr(t["expr"]) if "$" not in t["expr"] else t["expr"] for t in panel.get("targets", [])],
            "legends": [t.get("legendFormat", "") for t in panel.get("targets", [])],
            "unit": defaults.get("unit", ""),
            "thresholds": [(s["color"], s["value"]) for s in defaults.get("thresholds", {}).get("steps", [])][1:],
            "position": (panel["gridPos"]["x"], panel["gridPos"]["y"], panel["gridPos"]["w"], panel["gridPos"]["h"]),
            "description": panel.get("description", ""),
            "thresholds_from": links.get(panel.get("title", "")),
        }
    return out


def snapshot(defs) -> dict:
    from ..testing.layout import alert_keys

    alerts, records = {}, {}
    # Keyed by name; alerts that share one (warning and critical) by name and severity.
    keys = alert_keys([r for g in defs.groups for r in g.rules if not hasattr(r, "record")])
    generated = _slo_generated(defs)
    for group in defs.groups:
        if id(group) in generated:
            continue  # an SLO's rules: compared as the SLO (below)
        for rule in group.rules:
            if hasattr(rule, "record"):
                records[rule.record] = {"group": group.name, "expr": _expr(rule.expr), "labels": dict(rule.labels)}
            else:
                alerts[keys[id(rule)]] = alert_snapshot(rule, group.name)
    dashboards = {}
    for d in defs.dashboards:
        if id(d) in generated:
            continue
        folder = getattr(d, "folder", None)
        dashboards[d.uid] = {
            "title": d.title, "tags": list(d.tags), "refresh": d.refresh,
            "folder": " / ".join(f.title for f in folder.chain()) if folder is not None else "(default folder)",
            "variables": {v.name: getattr(v, "query", getattr(v, "plugin", "")) for v in d.variables},
            "panels": _panels(defs, d), "source": str(d.source),
        }
    stack = {}
    if defs.stack is not None:
        s = defs.stack
        stack = {
            "scrape": {j.name: {"targets": list(j.targets), "metrics_path": j.metrics_path,
                                "interval": j.scrape_interval or s.scrape_interval} for j in s.jobs},
            "routes": {r.severity: {"group_wait": r.group_wait, "group_interval": r.group_interval,
                                    "repeat_interval": r.repeat_interval} for r in s.alertmanager.routes},
            "email_to": s.alertmanager.email.to if s.alertmanager.email else "",
            "metrics_allow": list(s.nginx.metrics_allow),
        }
    grafana_managed = sorted(a for g, alerts in _managed(defs) for a in (x.name for x in alerts))
    # The emitted form: not a change of meaning (compare() leaves it out), said apart.
    output = {"grafana": getattr(defs, "grafana", "11"), "grafana_managed_alerts": grafana_managed}
    return {"alerts": alerts, "recording_rules": records, "dashboards": dashboards, "stack": stack,
            "output": output, "slos": _slos(defs)}


def _slo_generated(defs) -> set:
    """ids of the rule groups and dashboards the SLOs compiled to."""
    from ..slo import generated, problems
    from ..slo.dashboard import GENERATED

    out = set()
    for slo in getattr(defs, "slos", ()):
        if not problems(slo):
            out.add(id(generated(slo).group))
    out.update(id(d) for d in defs.dashboards if getattr(d, GENERATED, False))
    return out


def _slos(defs) -> dict:
    from ..slo import generated, problems

    out = {}
    for slo in getattr(defs, "slos", ()):
        if problems(slo):
            continue
        gen = generated(slo)
        sli = slo.sli
        out[slo.name] = {
            "service": slo.service, "objective": slo.objective, "period": slo.period,
            "sli": {k: getattr(sli, k) for k in ("errors", "total", "histogram", "threshold", "selector", "up_selector")
                    if hasattr(sli, k)},
            "tiers": {f"{t.kind} {t.long}/{t.short}": {"factor": t.factor, "severity": t.severity, "kind": t.kind}
                      for t in gen.tiers},
        }
    return out


def _managed(defs):
    from ..emit.grafana_alerting import managed

    return managed(defs)


def snapshot_trees(trees):
    """[(snapshot, check result)] of each (source folder, folder its paths are shown from)
    (compiler.check_tree). The trees are checked side by side on a machine with cores to
    spare: the first in forked children (the result comes back without its definitions),
    the last here."""
    import multiprocessing
    import os

    from ..compiler import check_tree
    from ..parallel import collect_child, fork

    def one(folder, shown_from):
        here = os.getcwd()
        os.chdir(shown_from)
        try:
            result = check_tree(folder)
            return (snapshot(result.definitions) if result.ok else None), result
        finally:
            os.chdir(here)

    def in_child(folder, shown_from):
        snap, result = one(folder, shown_from)
        result.definitions = None  # models hold what a pickle cannot carry (and need not)
        return snap, result

    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [one(*tree) for tree in trees]
    children = [fork(lambda tree=tree: in_child(*tree)) for tree in trees[:-1]]
    try:
        last = one(*trees[-1])
    finally:
        done = [collect_child(pid, fd) for pid, fd in children]
    return done + [last]
