"""Prometheus' own grammar: label names, metric names, durations, `host:port` targets."""
from __future__ import annotations

import ipaddress
import re
from typing import Optional

from ..model.durations import is_duration

LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
_HOSTNAME = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z")


def _text(value) -> Optional[str]:
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    return None


def label_name(value) -> Optional[str]:
    """A label (or annotation) name as Prometheus' model.LabelName.IsValid reads it."""
    return _text(value) or (None if LABEL_NAME.match(value) else
                            "is not a label name (letters, digits and _, not starting with a digit)")


def user_label_name(value) -> Optional[str]:
    """A label a rule may set: valid, and not one of the reserved `__…` names."""
    found = label_name(value)
    if found is None and value.startswith("__"):
        return "starts with __, which Prometheus reserves for internal labels"
    return found


def metric_name(value) -> Optional[str]:
    return _text(value) or (None if METRIC_NAME.match(value) else "is not a metric name")


def duration(value) -> Optional[str]:
    return _text(value) or (None if is_duration(value) else "is not a Prometheus duration (such as 30s, 5m or 1h30m)")


def host(value: str) -> Optional[str]:
    """A host name, an IPv4 address or a bracketed IPv6 address."""
    if value.startswith("[") and value.endswith("]"):
        try:
            ipaddress.IPv6Address(value[1:-1])
            return None
        except ValueError:
            return f"{value!r} is not an IPv6 address"
    if _HOSTNAME.match(value):
        return None
    return f"{value!r} is not a host name or address"


def host_port(value) -> Optional[str]:
    """`host:port`, as a scrape or Alertmanager target (no scheme, no path)."""
    found = _text(value)
    if found:
        return found
    if "://" in value or "/" in value:
        return "has a scheme or a path: a target is host:port (set the scheme and metrics_path on the job)"
    head, sep, port = value.rpartition(":")
    if not sep or not head:
        return "is not host:port"
    if not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        return f"port {port!r} is not a number from 1 to 65535"
    found = host(head)
    return None if found is None else found
