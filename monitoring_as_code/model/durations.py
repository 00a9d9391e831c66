"""Prometheus duration strings (`5m`, `1h30m`), as Prometheus' model.ParseDuration reads them."""
from __future__ import annotations

import re

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_PART = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
# \Z, not $: `$` also matches before a final newline, and "5m\n" is no duration.
_WHOLE = re.compile(r"((\d+)(ms|s|m|h|d|w|y))+\Z")


def is_duration(text: str) -> bool:
    if text == "0":  # Prometheus' ParseDuration accepts a bare 0 (and no other unitless number)
        return True
    if not isinstance(text, str) or not text.isascii() or not _WHOLE.match(text):
        return False
    units = [u for _, u in _PART.findall(text)]
    order = ["y", "w", "d", "h", "m", "s", "ms"]
    positions = [order.index(u) for u in units]
    return positions == sorted(set(positions))


def seconds(text: str) -> float:
    if not is_duration(text):
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(int(n) * _UNITS[u] for n, u in _PART.findall(text))


def format_seconds(total: float) -> str:
    """The canonical short form Prometheus prints (`90s` → `1m30s`)."""
    ms = round(total * 1000)
    if ms == 0:
        return "0s"
    out = []
    for unit in ("y", "w", "d", "h", "m", "s"):
        size = int(_UNITS[unit] * 1000)
        if ms >= size:
            out.append(f"{ms // size}{unit}")
            ms %= size
    if ms:
        out.append(f"{ms}ms")
    return "".join(out)
