"""Alert tests as objects: input series, expectations, and the test that joins them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple

from ..model.base import Located, freeze, set_frozen
from ..model.rules import AlertRule


@dataclass(frozen=True)
class Series:
    """One input series: a selector with every label set (`m{job="api", instance="a"}`) and
    its values in promtool's notation (see testing.values)."""

    selector: str
    values: str


def _labels(labels) -> Tuple[Tuple[str, str], ...]:
    return tuple(sorted((labels or {}).items())) if isinstance(labels, Mapping) else tuple(labels or ())


@dataclass(frozen=True)
class Expectation(Located):
    state: str  # "firing", "pending", "quiet" (neither), "not_firing"
    at: str
    since: Optional[str] = None
    labels: Tuple[Tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "labels", _labels(self.labels))

    def describe(self) -> str:
        where = f" with labels {dict(self.labels)}" if self.labels else ""
        if self.state in ("firing", "pending"):
            return f"{self.state} at {self.at}{where}"
        what = "not firing" if self.state == "not_firing" else "neither pending nor firing"
        return f"{what} from {self.since} to {self.at}{where}"


def fires(at: str, labels: Optional[Mapping[str, str]] = None) -> Expectation:
    """The alert is firing at `at`, with at least one series carrying `labels`."""
    return Expectation("firing", at, labels=labels)


def pending(at: str, labels: Optional[Mapping[str, str]] = None) -> Expectation:
    """The alert's condition holds at `at` but `for` has not elapsed yet."""
    return Expectation("pending", at, labels=labels)


def quiet(between: Tuple[str, str], labels: Optional[Mapping[str, str]] = None) -> Expectation:
    """Neither pending nor firing at any evaluation from between[0] to between[1]."""
    return Expectation("quiet", between[1], since=between[0], labels=labels)


def not_firing(between: Tuple[str, str], labels: Optional[Mapping[str, str]] = None) -> Expectation:
    """Never firing from between[0] to between[1] (pending is allowed)."""
    return Expectation("not_firing", between[1], since=between[0], labels=labels)


@dataclass(frozen=True)
class AlertTest(Located):
    """A promtool test of one alert: series in, expected alert states out."""

    alert: AlertRule
    name: str
    series: Sequence[Series] = ()
    expect: Sequence[Expectation] = ()
    interval: str = "1m"
    generated: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "series", freeze(self.series))
        set_frozen(self, "expect", freeze(self.expect))
