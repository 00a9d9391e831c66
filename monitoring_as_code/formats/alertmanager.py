"""Alertmanager's matcher syntax (`name="value"`), written with its escapes."""
from __future__ import annotations

from .prometheus import LABEL_NAME


def matcher(name: str, value: str, op: str = "=") -> str:
    """`name="value"` (or another of Alertmanager's operators), the value quoted as its
    matcher parser unquotes it."""
    if not LABEL_NAME.match(name):
        raise ValueError(f"not a label name: {name!r}")
    if op not in ("=", "!=", "=~", "!~"):
        raise ValueError(f"not a matcher operator: {op!r}")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{name}{op}"{escaped}"'
