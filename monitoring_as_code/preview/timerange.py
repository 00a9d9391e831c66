"""Time as Grafana reckons it for a panel: the dashboard's range (`now-6h` to `now`), the
interval a panel of a given width gets (rangeutil.calculateInterval and roundInterval in
@grafana/data), the rate interval of the Prometheus data source, and the step-aligned range
its backend sends to query_range."""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000, "y": 31536000}
_RELATIVE = re.compile(r"^now(?:([+-])(\d+)(s|m|h|d|w))?$")

# roundInterval: (upper bound in ms, interval in ms), from @grafana/data's rangeutil.ts.
_ROUNDING = (
    (10, 1), (15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000),
    (3500, 2000), (7500, 5000), (12500, 10000), (17500, 15000), (25000, 20000), (45000, 30000),
    (90000, 60000), (210000, 120000), (450000, 300000), (750000, 600000), (1050000, 900000),
    (1500000, 1200000), (2700000, 1800000), (5400000, 3600000), (9000000, 7200000),
    (16200000, 10800000), (32400000, 21600000), (86400000, 43200000), (604800000, 86400000),
    (1814400000, 604800000), (3628800000, 2592000000),
)


class TimeError(ValueError):
    """A time or interval mac cannot read."""


def parse_time(text: str, now: float) -> float:
    """`now`, `now-6h` (s, m, h, d, w), an ISO 8601 time with a zone, or epoch seconds."""
    text = text.strip()
    found = _RELATIVE.match(text)
    if found:
        sign, amount, unit = found.groups()
        if not sign:
            return now
        delta = int(amount) * _UNITS[unit]
        return now - delta if sign == "-" else now + delta
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    try:
        moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TimeError(f"{text!r} is not a time: use now, now-6h (s, m, h, d, w), an ISO 8601 time or epoch seconds") from None
    if moment.tzinfo is None:
        raise TimeError(f"{text!r} has no time zone: add Z or an offset such as +00:00")
    return moment.timestamp()


def interval_seconds(text: str) -> float:
    """A Grafana interval (`15s`, `1m`, `500ms`; a bare number is seconds)."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    found = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)", text)
    if not found:
        raise TimeError(f"{text!r} is not an interval such as 15s, 1m or 2h")
    return float(found.group(1)) * _UNITS[found.group(2)]


def round_interval(ms: float) -> int:
    for bound, value in _ROUNDING:
        if ms < bound:
            return value
    return 31536000000


def hms(seconds: float) -> str:
    """secondsToHms: the largest whole unit, as Grafana writes $__interval."""
    years = math.floor(seconds / 31536000)
    if years:
        return f"{years}y"
    days = math.floor((seconds % 31536000) / 86400)
    if days:
        return f"{days}d"
    hours = math.floor((seconds % 31536000 % 86400) / 3600)
    if hours:
        return f"{hours}h"
    minutes = math.floor((seconds % 31536000 % 86400 % 3600) / 60)
    if minutes:
        return f"{minutes}m"
    secs = math.floor(seconds % 31536000 % 86400 % 3600 % 60)
    if secs:
        return f"{secs}s"
    return f"{math.floor(seconds * 1000)}ms"


@dataclass(frozen=True)
class Window:
    """What one query of one panel runs over."""
    start: float  # aligned to step, as Grafana's Prometheus backend sends it
    end: float
    step: float  # seconds: the query_range step and $__interval
    rate_interval: float
    range_seconds: float  # the dashboard's range, for $__range


def window(start: float, end: float, resolution: float, scrape_interval: float, min_interval: float = 0.0) -> Window:
    """calculateInterval(range, resolution, lowLimit) with lowLimit the panel's (or query's)
    min interval or else the data source's scrape interval; the rate interval
    max(interval + scrape, 4 × scrape); start and end floored to the step."""
    low = max(min_interval, 0.0) or scrape_interval
    step_ms = round_interval((end - start) * 1000 / max(resolution, 1))
    step = max(step_ms / 1000, low)
    # The backend keeps a query below 11,000 points (Prometheus refuses more).
    step = max(step, math.ceil((end - start) / 11000))
    rate = max(step + scrape_interval, 4 * scrape_interval)
    return Window(start=math.floor(start / step) * step, end=math.floor(end / step) * step, step=step,
                  rate_interval=rate, range_seconds=end - start)
