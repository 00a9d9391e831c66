"""Prometheus rule files: alert_rules.yml and, when there are any, recording_rules.yml."""
from __future__ import annotations

import textwrap
from typing import Dict

from ..model import AlertRule, RuleGroup
from .yamlout import Block, dump

LONG_EXPR = 80


def expression_text(expr: str) -> str:
    """The expression as the user laid it out; several lines or a long one become a literal
    block, so a change shows up in review as a change of that line only."""
    text = textwrap.dedent(expr).strip()
    return Block(text) if "\n" in text or len(text) > LONG_EXPR else text


def rule_data(rule) -> dict:
    if isinstance(rule, AlertRule):
        out = {"alert": rule.name, "expr": expression_text(rule.expr)}
        if rule.for_:
            out["for"] = rule.for_
        if rule.keep_firing_for:
            out["keep_firing_for"] = rule.keep_firing_for
        labels, annotations = rule.all_labels(), rule.all_annotations()
        if labels:
            out["labels"] = labels
        if annotations:
            out["annotations"] = annotations
        return out
    out = {"record": rule.record, "expr": expression_text(rule.expr)}
    if rule.labels:
        out["labels"] = dict(rule.labels)
    return out


def group_data(group: RuleGroup) -> dict:
    out = {"name": group.name}
    if group.interval:
        out["interval"] = group.interval
    if group.limit:
        out["limit"] = group.limit
    if group.query_offset:
        out["query_offset"] = group.query_offset
    out["rules"] = [rule_data(r) for r in group.rules]
    return out


def emit(defs) -> Dict[str, bytes]:
    """Groups of recording rules only go to recording_rules.yml; a group with an alert stays
    whole in alert_rules.yml, because splitting it would change evaluation order."""
    files = {}
    alert_groups = [g for g in defs.groups if not g.recording_only]
    recording_groups = [g for g in defs.groups if g.recording_only]
    if alert_groups or not recording_groups:
        files["prometheus/alert_rules.yml"] = dump(
            {"groups": [group_data(g) for g in alert_groups]}, "alerts/*.py")
    if recording_groups:
        files["prometheus/recording_rules.yml"] = dump(
            {"groups": [group_data(g) for g in recording_groups]}, "alerts/*.py")
    return files
