"""Prometheus rule files → mac's model: plain rule files (`groups:`), Kubernetes
PrometheusRule manifests (one or many YAML documents) and Mimir/Cortex namespace files
(`namespace:` + `groups:`). Labels and annotations are kept exactly; `severity` becomes the
AlertRule's field, summary/description/runbook_url its fields, the rest stays in labels= and
annotations=. Anything Prometheus would refuse is an error at its file and line."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple

import yaml

from ..model import AlertRule, RecordingRule, RuleGroup  # noqa: F401  (RecordingRule: run.py)
from . import ImportProblem

GROUP_KEYS = {"name", "interval", "limit", "query_offset", "rules"}
# Keys of a group Prometheus reads but mac's model does not hold (Thanos' partial_response_strategy,
# Mimir's source_tenants…): refused, naming them, rather than dropped.
ALERT_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
RECORD_KEYS = {"record", "expr", "labels"}


class Located(dict):
    line = 0


class _Loader(yaml.SafeLoader):
    """Mappings remember their line (1-based) for error messages."""


def _mapping(loader, node):
    out = Located(loader.construct_mapping(node, deep=True))
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def rule_files(paths) -> List[str]:
    out = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                out.extend(os.path.join(root, f) for f in sorted(files) if f.endswith((".yml", ".yaml")))
        else:
            out.append(path)
    return out


def read(path: str) -> List[Tuple[Dict[str, Any], int]]:
    """(group data, line) of every rule group in a file."""
    try:
        with open(path, encoding="utf-8") as f:
            docs = list(yaml.load_all(f, Loader=_Loader))
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblem(path, "", f"cannot read it: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise ImportProblem(path, where, f"not YAML: {getattr(exc, 'problem', exc)}") from None
    groups = []
    for doc in docs:
        if doc is None or doc == {}:
            continue  # an empty rule file: Prometheus loads it (no rules)
        line = getattr(doc, "line", 1)
        if not isinstance(doc, dict):
            raise ImportProblem(path, f"line {line}", "not a rule file: expected a mapping with `groups:`")
        if doc.get("kind") == "PrometheusRule":
            spec = doc.get("spec")
            if not isinstance(spec, dict) or not isinstance(spec.get("groups"), list):
                raise ImportProblem(path, f"line {line}", "a PrometheusRule without spec.groups")
            body = spec
        elif "groups" in doc:
            extra = set(doc) - {"groups", "namespace"}
            if extra:
                raise ImportProblem(path, f"line {line}", f"unknown keys {', '.join(sorted(extra))} beside groups")
            body = doc
        elif doc.get("kind"):
            continue  # another Kubernetes object in the same file (a ConfigMap, …)
        else:
            raise ImportProblem(path, f"line {line}", "not a rule file: no `groups:` (nor a PrometheusRule)")
        if not isinstance(body["groups"], list):
            raise ImportProblem(path, f"line {line}", "groups is not a list")
        groups.extend((g, getattr(g, "line", line)) for g in body["groups"])
    return groups


def _text(value) -> str:
    """A label or annotation value as Prometheus reads it (YAML true → "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _pairs(path, data, key, line) -> Dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ImportProblem(path, f"line {line}", f"{key} is not a mapping")
    return {str(k): _text(v) for k, v in value.items()}


def convert(path: str, group: dict, line: int) -> RuleGroup:
    if not isinstance(group, dict):
        raise ImportProblem(path, f"line {line}", "a group is a mapping with name and rules")
    unknown = set(group) - GROUP_KEYS
    if unknown:
        raise ImportProblem(path, f"line {line}", f"group keys mac cannot hold: {', '.join(sorted(unknown))}")
    name = group.get("name")
    if not isinstance(name, str) or not name:
        raise ImportProblem(path, f"line {line}", "a group needs a name")
    rules = []
    for rule in group.get("rules") or ():
        at = getattr(rule, "line", line)
        if not isinstance(rule, dict):
            raise ImportProblem(path, f"line {at}", "a rule is a mapping")
        expr = rule.get("expr")
        if not isinstance(expr, (str, int, float)) or isinstance(expr, bool) or expr == "":
            raise ImportProblem(path, f"line {at}", "a rule needs an expr")
        expr = str(expr)
        if "alert" in rule and "record" in rule:
            raise ImportProblem(path, f"line {at}", "a rule is either an alert or a record, not both")
        if "alert" in rule:
            unknown = set(rule) - ALERT_KEYS
            if unknown:
                raise ImportProblem(path, f"line {at}", f"unknown keys in an alerting rule: {', '.join(sorted(unknown))}")
            labels = _pairs(path, rule, "labels", at)
            annotations = _pairs(path, rule, "annotations", at)
            kwargs = {key: annotations.pop(key) for key in ("summary", "description", "runbook_url") if key in annotations}
            rules.append(AlertRule(name=_text(rule["alert"]), expr=expr, for_=rule.get("for"),
                                   keep_firing_for=rule.get("keep_firing_for"), severity=labels.pop("severity", ""),
                                   labels=labels, annotations=annotations, **kwargs))
        elif "record" in rule:
            unknown = set(rule) - RECORD_KEYS
            if unknown:
                raise ImportProblem(path, f"line {at}", f"unknown keys in a recording rule: {', '.join(sorted(unknown))}")
            rules.append(RecordingRule(_text(rule["record"]), expr, labels=_pairs(path, rule, "labels", at)))
        else:
            raise ImportProblem(path, f"line {at}", "a rule needs `alert:` or `record:`")
        for key in ("for", "keep_firing_for"):
            if key in rule and not isinstance(rule[key], str):
                raise ImportProblem(path, f"line {at}", f"{key} is {rule[key]!r}, not a duration such as 5m")
    out = RuleGroup(name, rules, interval=group.get("interval"), limit=group.get("limit"),
                    query_offset=group.get("query_offset"))
    problems = [*out.type_problems, *(p for r in rules for p in r.type_problems)]
    if problems:
        raise ImportProblem(path, f"line {line}", "; ".join(problems[:3]))
    return out
