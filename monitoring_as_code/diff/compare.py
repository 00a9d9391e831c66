"""The changes between two snapshots, each with what it means for whoever is on call."""
from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from typing import List, Optional

from ..model.durations import is_duration, seconds

SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


@dataclass
class Change:
    kind: str  # alert, recording_rule, dashboard, panel, variable, stack
    subject: str  # "DiskSpaceLow", "mac-system / CPU usage"
    action: str  # added, removed, renamed, changed, moved
    field: str = ""
    before: object = None
    after: object = None
    risk: str = ""  # a short warning, when the change deserves a second look
    details: List[str] = dataclasses.field(default_factory=list)
    # "uid / panel" of each panel this change redraws (a panel's own change, or the panels
    # that follow a changed alert's threshold): what `mac diff --preview` draws. Not in JSON.
    panels: List[str] = dataclasses.field(default_factory=list)

    def to_json(self) -> dict:
        out = asdict(self)
        out.pop("panels")
        return out


def _threshold_risk(op: str, before: float, after: float) -> str:
    """Raising a `>` threshold (or lowering a `<` one) makes the alert fire less often."""
    if before == after:
        return ""
    fires_less = (after > before) == (op in (">", ">="))
    return "threshold loosened: fires less often" if fires_less else "threshold tightened: fires more often"


def _seconds(value: str) -> float:
    return seconds(value) if value and is_duration(value) else 0.0


def _alert_changes(name: str, a: dict, b: dict) -> List[Change]:
    out = []
    if a["expr"] != b["expr"]:
        if a["compared"] is not None and a["compared"] == b["compared"] and a["op"] == b["op"]:
            out.append(Change("alert", name, "changed", "threshold", a["threshold"], b["threshold"],
                              _threshold_risk(a["op"], a["threshold"], b["threshold"]),
                              [f"{a['op']} {a['threshold']:g} → {b['op']} {b['threshold']:g}"]))
        elif a["compared"] is not None and a["compared"] == b["compared"]:
            out.append(Change("alert", name, "changed", "comparison", f"{a['op']} {a['threshold']:g}",
                              f"{b['op']} {b['threshold']:g}", "comparison changed: fires on the other side"))
        else:
            out.append(Change("alert", name, "changed", "expression", a["expr_text"], b["expr_text"]))
    for key in ("for", "keep_firing_for"):
        if a[key] != b[key]:
            longer = _seconds(b[key]) > _seconds(a[key])
            risk = "for lengthened: pages later" if key == "for" and longer else ""
            out.append(Change("alert", name, "changed", key, a[key], b[key], risk))
    if a["severity"] != b["severity"]:
        lower = SEVERITY_RANK.get(b["severity"], -1) < SEVERITY_RANK.get(a["severity"], -1)
        out.append(Change("alert", name, "changed", "severity", a["severity"], b["severity"],
                          "severity lowered" if lower else ""))
    for key in ("labels", "annotations", "group"):
        if a[key] != b[key]:
            if isinstance(a[key], dict):
                for k in sorted(set(a[key]) | set(b[key])):
                    if a[key].get(k) != b[key].get(k):
                        out.append(Change("alert", name, "changed", f"{key[:-1]} {k}", a[key].get(k), b[key].get(k)))
            else:
                out.append(Change("alert", name, "changed", key, a[key], b[key]))
    return out


def _renames(removed: dict, added: dict):
    """A removed and an added alert with the same expression: a rename."""
    pairs = []
    for old, a in sorted(removed.items()):
        for new, b in sorted(added.items()):
            if a["expr"] == b["expr"] and new not in [p[1] for p in pairs]:
                pairs.append((old, new))
                break
    return pairs


def compare(base: dict, head: dict, catalog: Optional[dict] = None) -> List[Change]:
    changes: List[Change] = []
    ba, ha = base["alerts"], head["alerts"]
    removed = {k: v for k, v in ba.items() if k not in ha}
    added = {k: v for k, v in ha.items() if k not in ba}
    for old, new in _renames(removed, added):
        changes.append(Change("alert", new, "renamed", "name", old, new))
        changes.extend(_alert_changes(new, removed.pop(old), added.pop(new)))
    for name in sorted(removed):
        changes.append(Change("alert", name, "removed", risk="alert removed: nothing watches this any more"))
    for name, b in sorted(added.items()):
        changes.append(Change("alert", name, "added", after=b["expr_text"],
                              details=[f"{b['severity']}, for {b['for']}"]))
    for name in sorted(set(ba) & set(ha)):
        changes.extend(_alert_changes(name, ba[name], ha[name]))

    br, hr = base["recording_rules"], head["recording_rules"]
    for name in sorted(set(br) | set(hr)):
        if name not in hr:
            changes.append(Change("recording_rule", name, "removed"))
        elif name not in br:
            changes.append(Change("recording_rule", name, "added", after=hr[name]["expr"]))
        elif br[name] != hr[name]:
            changes.append(Change("recording_rule", name, "changed", "expression", br[name]["expr"], hr[name]["expr"]))

    bd, hd = base["dashboards"], head["dashboards"]
    for uid in sorted(set(bd) | set(hd)):
        if uid not in hd:
            changes.append(Change("dashboard", uid, "removed", before=bd[uid]["title"]))
            continue
        if uid not in bd:
            changes.append(Change("dashboard", uid, "added", after=hd[uid]["title"],
                                  details=[f"{len(hd[uid]['panels'])} panels"]))
            continue
        a, b = bd[uid], hd[uid]
        for key in ("title", "tags", "refresh", "folder"):
            if a.get(key, "(default folder)") != b.get(key, "(default folder)"):
                changes.append(Change("dashboard", uid, "changed", key, a.get(key, "(default folder)"), b.get(key, "(default folder)")))
        for var in sorted(set(a["variables"]) | set(b["variables"])):
            if a["variables"].get(var) != b["variables"].get(var):
                action = "added" if var not in a["variables"] else "removed" if var not in b["variables"] else "changed"
                changes.append(Change("variable", f"{uid} / ${var}", action, "query",
                                      a["variables"].get(var), b["variables"].get(var)))
        for title in sorted(set(a["panels"]) | set(b["panels"])):
            subject = f"{uid} / {title}"
            if title not in b["panels"]:
                changes.append(Change("panel", subject, "removed"))
                continue
            if title not in a["panels"]:
                changes.append(Change("panel", subject, "added", after=b["panels"][title]["type"]))
                continue
            p, q = a["panels"][title], b["panels"][title]
            if p["queries"] != q["queries"] or p["legends"] != q["legends"]:
                changes.append(Change("panel", subject, "changed", "queries", p["queries"], q["queries"]))
            for key in ("type", "unit", "thresholds", "description"):
                if p[key] != q[key]:
                    followed = _followed_alert(changes, p, q) if key == "thresholds" else None
                    if followed is not None:  # the panel follows its alert: say so there
                        followed.details.append(f"panel {subject} follows: {_steps(p[key])} → {_steps(q[key])}")
                        followed.panels.append(subject)
                        continue
                    changes.append(Change("panel", subject, "changed", key, p[key], q[key]))
            if p["position"] != q["position"]:
                changes.append(Change("panel", subject, "moved", "position", p["position"], q["position"]))

    changes.extend(_slo_changes(base.get("slos", {}), head.get("slos", {})))

    bs, hs = base["stack"], head["stack"]
    for section in sorted(set(bs) | set(hs)):
        x, y = bs.get(section), hs.get(section)
        if x == y:
            continue
        if isinstance(x, dict) and isinstance(y, dict):
            for key in sorted(set(x) | set(y)):
                if x.get(key) != y.get(key):
                    action = "added" if key not in x else "removed" if key not in y else "changed"
                    risk = "scrape target removed" if section == "scrape" and action == "removed" else ""
                    changes.append(Change("stack", f"{section} {key}", action, section, x.get(key), y.get(key), risk))
        else:
            changes.append(Change("stack", section, "changed", section, x, y))

    if catalog is not None:
        changes.extend(_unknown_metrics(base, head, catalog))
    return changes


def _steps(steps) -> str:
    return ", ".join(f"{color} from {value:g}" for color, value in steps) or "none"


def _followed_alert(changes, p, q) -> Optional[Change]:
    name = q.get("thresholds_from")
    if not name or p.get("thresholds_from") != name:
        return None
    return next((c for c in changes if c.kind == "alert" and c.subject == name
                 and c.field in ("threshold", "comparison")), None)


def _unknown_metrics(base: dict, head: dict, catalog: dict) -> List[Change]:
    from .. import promql

    def metrics(snap):
        found = {}
        for name, alert in snap["alerts"].items():
            for m in _names(alert["expr"]):
                found.setdefault(m, name)
        for uid, d in snap["dashboards"].items():
            for title, panel in d["panels"].items():
                for q in panel["queries"]:
                    for m in _names(promql.substitute_grafana_variables(q)):
                        found.setdefault(m, f"{uid} / {title}")
        return found

    def _names(expr):
        try:
            return promql.metric_names(expr)
        except ValueError:
            return []

    before, after = metrics(base), metrics(head)
    return [Change("metric", where, "changed", "query", None, m, f"query uses {m}, missing from the metric catalog")
            for m, where in sorted(after.items()) if m not in catalog and m not in before]


__all__ = ["Change", "compare"]


GRAFANA_FORMS = {"11": "classic JSON", "12": "dashboard.grafana.app/v1beta1 resources",
                 "13": "dashboard.grafana.app/v2 resources"}


def output_notes(base: dict, head: dict) -> List[str]:
    """What changed in the form of the output, which is no change of meaning: the Grafana
    the dashboards are written for, which alerts are also Grafana-managed rules."""
    a, b = base.get("output", {}), head.get("output", {})
    notes = []
    if a.get("grafana", "11") != b.get("grafana", "11"):
        x, y = a.get("grafana", "11"), b.get("grafana", "11")
        notes.append(f"Output format changed: dashboards for Grafana {x} ({GRAFANA_FORMS.get(x, x)}) → "
                     f"Grafana {y} ({GRAFANA_FORMS.get(y, y)}); the dashboards are the same.")
    before, after = set(a.get("grafana_managed_alerts", ())), set(b.get("grafana_managed_alerts", ()))
    if before != after:
        added, removed = sorted(after - before), sorted(before - after)
        parts = ([f"now also Grafana-managed: {', '.join(added)}"] if added else []) + \
                ([f"no longer Grafana-managed: {', '.join(removed)}"] if removed else [])
        notes.append("Output changed: " + "; ".join(parts) + " (same alerts, same thresholds).")
    return notes


def _budget(objective: float) -> float:
    return round(1 - objective / 100, 12)


def _slo_changes(before: dict, after: dict) -> List[Change]:
    """SLOs in SLO terms: the objective and what it does to the error budget, the period,
    tiers added or removed and their factors, the SLI."""
    out = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            out.append(Change("slo", name, "removed", risk="SLO removed: its burn-rate alerts are gone"))
            continue
        if name not in before:
            b = after[name]
            out.append(Change("slo", name, "added", after=f"{b['objective']:g} % over {b['period']}",
                              details=[f"{len(b['tiers'])} burn-rate alerts"]))
            continue
        a, b = before[name], after[name]
        if a["objective"] != b["objective"]:
            factor = _budget(b["objective"]) / _budget(a["objective"])
            looser = factor > 1
            out.append(Change("slo", name, "changed", "objective", a["objective"], b["objective"],
                              "objective lowered: more errors before any alert" if looser else "",
                              [f"error budget ×{factor:.3g}"]))
        for key in ("period", "service", "sli"):
            if a[key] != b[key]:
                out.append(Change("slo", name, "changed", key, a[key], b[key]))
        for tier in sorted(set(a["tiers"]) | set(b["tiers"])):
            subject = f"{name} / {tier} tier"
            if tier not in b["tiers"]:
                kind = a["tiers"][tier]["kind"]
                out.append(Change("slo", subject, "removed",
                                  risk=f"{kind} tier removed" + (": nothing pages for this burn rate" if kind == "page" else "")))
            elif tier not in a["tiers"]:
                out.append(Change("slo", subject, "added", after=f"{b['tiers'][tier]['factor']:g}×"))
            elif a["tiers"][tier] != b["tiers"][tier]:
                x, y = a["tiers"][tier], b["tiers"][tier]
                for key in ("factor", "severity"):
                    if x[key] != y[key]:
                        risk = "burn-rate factor raised: fires later" if key == "factor" and y[key] > x[key] else ""
                        out.append(Change("slo", subject, "changed", key, x[key], y[key], risk))
    return out
