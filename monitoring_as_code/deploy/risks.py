"""What the rule files about to replace the deployed ones change, alert by alert, with the
risk flags `mac diff` gives (a threshold loosened, a severity lowered, an alert removed, …):
the deployed files are compared with build/'s as objects, not text."""
from __future__ import annotations

from typing import Dict, Iterable, List

import yaml

from .. import promql
from ..diff.compare import Change, compare
from ..diff.snapshot import _expr


def _alerts(texts: Iterable[bytes]) -> dict:
    rules = []
    for text in texts:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            continue
        if not isinstance(data, dict):
            continue  # not a rule file mac can read: nothing to compare, the plan still lists it
        for group in data.get("groups") or []:
            if not isinstance(group, dict):
                continue
            for rule in group.get("rules") or []:
                if isinstance(rule, dict) and "alert" in rule:
                    rules.append((str(group.get("name", "")), rule))
    names: Dict[str, int] = {}
    for _, rule in rules:
        names[rule["alert"]] = names.get(rule["alert"], 0) + 1
    out = {}
    for group, rule in rules:
        labels = {str(k): str(v) for k, v in (rule.get("labels") or {}).items()}
        key = rule["alert"] if names[rule["alert"]] == 1 else f"{rule['alert']} ({labels.get('severity', '')})"
        expr = str(rule.get("expr", ""))
        try:
            found = promql.comparison(expr)
        except ValueError:
            found = None
        out[key] = {"group": group, "expr": _expr(expr), "expr_text": expr.strip(),
                    "compared": _expr(found.lhs) if found else None, "op": found.op if found else None,
                    "threshold": found.value if found else None, "for": str(rule.get("for", "0s")),
                    "keep_firing_for": str(rule.get("keep_firing_for", "0s")), "severity": labels.get("severity", ""),
                    "labels": labels, "annotations": {str(k): str(v) for k, v in (rule.get("annotations") or {}).items()},
                    "source": ""}
    return out


def _snapshot(texts) -> dict:
    return {"alerts": _alerts(texts), "recording_rules": {}, "dashboards": {}, "stack": {}, "slos": {}}


def alert_changes(deployed: Iterable[bytes], new: Iterable[bytes]) -> List[Change]:
    """deployed, new: the contents of the rule files on the host and in build/."""
    return [c for c in compare(_snapshot(deployed), _snapshot(new)) if c.kind == "alert"]
