"""What a panel's fieldConfig holds besides unit, min, max, decimals and thresholds (which are
fields of the panel itself): overrides, data links, value mappings. The generated option
classes (monitoring_as_code/options) hold the rest; these few are written by hand because
Grafana's published schema types them wrongly (a matcher's options and a property's value are
any JSON value; a data link is not a dashboard link)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Tuple, Union

from ..options import Annotation, Matcher, Property, RangeMap, RegexMap, SpecialValueMap, ValueMap
from .jsonmap import JsonObject

ValueMapping = Union[ValueMap, RangeMap, RegexMap, SpecialValueMap]


@dataclass(frozen=True, kw_only=True)
class Link(JsonObject):
    """A data link (fieldConfig.defaults.links) or a panel link (panel.links): where a click
    goes. Grafana writes both as {title, url, targetBlank}."""

    title: Optional[str] = None
    url: Optional[str] = None
    target_blank: Optional[bool] = None


@dataclass(frozen=True, kw_only=True)
class Override(JsonObject):
    """fieldConfig.overrides[]: properties set on the fields a matcher selects.

    Override(matcher=Matcher(id="byName", options="errors"),
             properties=[Property(id="color", value={"mode": "fixed", "fixedColor": "red"})])"""

    matcher: Optional[Matcher] = None
    properties: Optional[Tuple[Property, ...]] = None


def by_name(name: str, **properties: Any) -> Override:
    """An override of the field called `name`: by_name("errors", unit="reqps")."""
    return _override("byName", name, properties)


def by_regex(pattern: str, **properties: Any) -> Override:
    return _override("byRegexp", pattern, properties)


def by_query(ref_id: str, **properties: Any) -> Override:
    return _override("byFrameRefID", ref_id, properties)


def _override(matcher: str, options: Any, properties) -> Override:
    from .jsonmap import camel

    return Override(matcher=Matcher(id=matcher, options=options),
                    properties=tuple(Property(id=camel(k), value=v) for k, v in properties.items()))


@dataclass(frozen=True, kw_only=True)
class PrometheusAnnotation(Annotation):
    """An annotation query of a Prometheus datasource: each series `expr` returns marks the
    times it has a value. The keys are the Prometheus datasource's own (not in Grafana's
    dashboard schema, which leaves a datasource's annotation keys open)."""

    step: Optional[str] = None
    title_format: Optional[str] = None
    text_format: Optional[str] = None
    tag_keys: Optional[str] = None
    use_value_for_time: Optional[bool] = None
