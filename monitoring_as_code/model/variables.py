"""Dashboard template variables."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Located


@dataclass(frozen=True)
class DatasourceVariable(Located):
    name: str = "datasource"
    label: str = "Data source"
    plugin: str = "prometheus"
    # The datasource uid selected by default: the one provisioned for Grafana.
    default: str = "prometheus"


@dataclass(frozen=True)
class QueryVariable(Located):
    name: str
    query: str
    label: str = ""
    multi: bool = True
    include_all: bool = True
    all_value: str = ".*"
    # 2: refresh on time-range change, so instances that appear later show up.
    refresh: int = 2
    sort: int = 1
    hide: bool = False


def JobVariable(query: str = "label_values(up, job)", **kwargs) -> QueryVariable:
    kwargs.setdefault("label", "Job")
    return QueryVariable("job", query, **kwargs)


def InstanceVariable(job: str = "", **kwargs) -> QueryVariable:
    selector = f'up{{job="{job}"}}' if job else 'up{job=~"$job"}'
    kwargs.setdefault("label", "Instance")
    return QueryVariable("instance", f"label_values({selector}, instance)", **kwargs)
