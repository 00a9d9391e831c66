"""Alertmanager's matcher syntax (`name="value"`), written with its escapes."""
from __future__ import annotations

from .prometheus import LABEL_NAME


def matcher(name: str, value: str) -> str:
    """`name="value"`, the value quoted as Alertmanager's matcher parser unquotes it."""
    if not LABEL_NAME.match(name):
        raise ValueError(f"not a label name: {name!r}")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{name}="{escaped}"'
