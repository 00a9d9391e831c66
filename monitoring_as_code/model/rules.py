"""Prometheus rules: AlertRule, RecordingRule and the RuleGroup that evaluates them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple, Union

from . import typecheck
from .base import Located, freeze, set_frozen


def _mapping(value) -> Tuple[Tuple[str, str], ...]:
    """Labels and annotations are stored as sorted pairs: hashable, immutable, and ordered
    the same way whatever order the user wrote them in."""
    if value is None:
        return ()
    if not isinstance(value, Mapping) and not typecheck.pairs(value):
        return value  # the wrong type: model/type reports it (typecheck.py)
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted(((k, v) for k, v in items), key=lambda kv: str(kv[0])))


@dataclass(frozen=True)
class Boundary:
    """How mac generates this alert's boundary tests.

    fire, safe: the compared value to fire at and to stay quiet at (default: 2 % past and
    short of the threshold). knob: the metric to move (default: the first series of the
    compared side). steady: values of the other inputs by metric name (gauge value, counter
    rate per second or histogram quantile; defaults 1000, 1/s and 1)."""

    fire: Optional[float] = None
    safe: Optional[float] = None
    knob: str = ""
    steady: Tuple[Tuple[str, float], ...] = ()
    problems: Tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "steady", _mapping(self.steady))
        object.__setattr__(self, "problems", tuple(typecheck.check(self)))


@dataclass(frozen=True)
class AlertRule(Located):
    name: str
    expr: str
    for_: Optional[str] = None
    severity: str = "warning"
    summary: str = ""
    description: str = ""
    runbook_url: str = ""
    keep_firing_for: Optional[str] = None
    labels: Union[Mapping[str, str], Tuple[Tuple[str, str], ...]] = ()
    annotations: Union[Mapping[str, str], Tuple[Tuple[str, str], ...]] = ()
    # Tells the linters this alert may fire at once.
    allow_no_for: bool = False
    # Generated boundary tests: True (derive them), False (opt out) or Boundary(fire=, safe=).
    boundary: Union[bool, Boundary] = True
    # Also a Grafana-managed rule (build/grafana/provisioning/alerting/rules.yml); [tool.mac]
    # grafana_alerting = true does it for every alert.
    grafana_managed: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "labels", _mapping(self.labels))
        set_frozen(self, "annotations", _mapping(self.annotations))
        if isinstance(self.boundary, Boundary):
            self.add_type_problems(self.boundary.problems)

    @property
    def kind(self) -> str:
        return "alert"

    def all_labels(self) -> dict:
        """Labels as Prometheus will attach them: the rule's labels plus `severity`."""
        out = dict(self.labels)
        if self.severity:
            out["severity"] = self.severity
        return dict(sorted(out.items()))

    def all_annotations(self) -> dict:
        """summary, description, runbook_url first (the order a reader wants), then the rest."""
        out = {key: getattr(self, key) for key in ("summary", "description", "runbook_url")
               if getattr(self, key)}
        out.update((k, v) for k, v in self.annotations if k not in out)
        return out


@dataclass(frozen=True)
class RecordingRule(Located):
    record: str
    expr: str
    labels: Union[Mapping[str, str], Tuple[Tuple[str, str], ...]] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "labels", _mapping(self.labels))

    @property
    def name(self) -> str:
        return self.record

    @property
    def kind(self) -> str:
        return "record"


Rule = Union[AlertRule, RecordingRule]


@dataclass(frozen=True)
class RuleGroup(Located):
    name: str
    rules: Tuple[Rule, ...] = field(default=())
    interval: Optional[str] = None
    limit: Optional[int] = None
    # Evaluate as of this long ago (Prometheus 2.53+: [tool.mac] prometheus = "2.53").
    query_offset: Optional[str] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "rules", freeze(self.rules))

    @property
    def alerts(self) -> Tuple[AlertRule, ...]:
        return tuple(r for r in self.rules if isinstance(r, AlertRule))

    @property
    def recording_only(self) -> bool:
        return bool(self.rules) and all(isinstance(r, RecordingRule) for r in self.rules)
