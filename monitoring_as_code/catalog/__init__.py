"""The metric catalog: every metric name mac knows, with its type.

exporters.json is produced from the real exporters by scripts/build_catalog.py; the
application's metrics come from the metric contract; recording rules and [tool.mac.metrics]
add the rest."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Dict

from ..contract import API_METRICS

HERE = os.path.dirname(os.path.abspath(__file__))


@lru_cache(maxsize=1)
def exporter_metrics() -> Dict[str, str]:
    with open(os.path.join(HERE, "exporters.json"), encoding="utf-8") as f:
        return {name: entry["type"] for name, entry in json.load(f)["metrics"].items()}


def contract_metrics() -> Dict[str, str]:
    """As prometheus_client exposes them: histogram parts and the *_created series too."""
    out = {}
    for metric in API_METRICS:
        if metric.type == "histogram":
            for suffix in ("_bucket", "_sum", "_count"):
                out[metric.name + suffix] = "counter"
            out[metric.name + "_created"] = "gauge"
            out[metric.name] = "histogram"
        elif metric.type == "counter":
            out[metric.name] = "counter"
            out[metric.name[: -len("_total")] + "_created" if metric.name.endswith("_total") else metric.name + "_created"] = "gauge"
        else:
            out[metric.name] = metric.type
    return out


def catalog(defs=None, extra: Dict[str, str] = None) -> Dict[str, str]:
    out = dict(exporter_metrics())
    out.update(contract_metrics())
    if defs is not None:
        groups = getattr(defs, "all_groups", defs.groups)
        out.update({r.record: "gauge" for g in groups for r in g.rules if hasattr(r, "record")})
    out.update(extra or {})
    return out
