"""[tool.mac] in the source tree's pyproject.toml: what to lint and how."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, FrozenSet

try:  # the compiled tomli wheel is several times faster than the stdlib's tomllib
    import tomli as tomllib
except ImportError:
    import tomllib

from ..model.durations import seconds


@dataclass(frozen=True)
class Config:
    disable: FrozenSet[str] = frozenset()
    scrape_interval: float = 15.0
    metrics: Dict[str, str] = field(default_factory=dict)  # extra catalog entries: name → type
    path: str = ""


def load_config(src: str) -> Config:
    path = os.path.join(src, "pyproject.toml")
    if not os.path.exists(path):
        return Config()
    with open(path, "rb") as f:
        table = tomllib.load(f).get("tool", {}).get("mac", {})
    return Config(
        disable=frozenset(table.get("disable", ())),
        scrape_interval=seconds(table.get("scrape_interval", "15s")),
        metrics={str(k): str(v) for k, v in table.get("metrics", {}).items()},
        path=path,
    )
