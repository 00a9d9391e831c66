"""Where a preview's numbers come from: a Prometheus through its HTTP API, or the demo's
synthetic series (demo.py). Both answer the same two questions: the series of a query over a
window, and the values of a query variable."""
from __future__ import annotations

import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import List, Sequence, Tuple

from .timerange import Window

TIMEOUT = 10.0  # seconds per request; a preview never waits longer for one query


@dataclass(frozen=True)
class Series:
    labels: Tuple[Tuple[str, str], ...]  # sorted, __name__ included when the result has it
    points: Tuple[Tuple[float, float], ...]  # (unix seconds, value)


@dataclass
class Answer:
    series: List[Series] = field(default_factory=list)
    error: str = ""  # what Prometheus (or the demo evaluator) said, when the query failed


class QueryError(Exception):
    pass


def _number(text: str) -> float:
    return float(text)  # Prometheus writes NaN, +Inf and -Inf as strings float() reads


class Prometheus:
    """A Prometheus (or anything speaking its HTTP API) at `url`."""
    synthetic = False

    def __init__(self, url: str, timeout: float = TIMEOUT) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def describe(self) -> str:
        return f"Prometheus at {self.url}"

    def _get(self, path: str, params: Sequence[Tuple[str, str]]) -> object:
        url = f"{self.url}/api/v1/{path}?{urllib.parse.urlencode(list(params))}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body = json.load(response)
        except urllib.error.HTTPError as exc:
            try:
                body = json.load(exc)
            except (ValueError, OSError):
                raise QueryError(f"HTTP {exc.code} from {self.url}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise QueryError(f"cannot reach {self.url}: {getattr(exc, 'reason', exc)}") from None
        if not isinstance(body, dict) or body.get("status") != "success":
            raise QueryError(str(body.get("error") if isinstance(body, dict) else body) or "query failed")
        return body.get("data")

    def check(self) -> None:
        """Raise QueryError unless the server answers a query."""
        self._get("query", [("query", "1")])

    def query(self, expr: str, win: Window, instant: bool) -> Answer:
        try:
            if instant:
                data = self._get("query", [("query", expr), ("time", _fmt(win.end))])
            else:
                data = self._get("query_range", [("query", expr), ("start", _fmt(win.start)),
                                                 ("end", _fmt(win.end)), ("step", _fmt(win.step))])
        except QueryError as exc:
            return Answer(error=str(exc))
        return Answer(series=_series(data))

    def label_values(self, variable_query: str, start: float, end: float) -> List[str]:
        """label_values(…), query_result(…) and a bare metric selector, as Grafana's
        Prometheus variable support reads them; anything else gives no values."""
        query = variable_query.strip()
        found = re.fullmatch(r"label_values\(\s*(?:(.+?)\s*,\s*)?(\w+)\s*\)", query, re.S)
        try:
            if found:
                selector, label = found.groups()
                params = [("start", _fmt(start)), ("end", _fmt(end))]
                if selector:
                    params.append(("match[]", selector))
                values = self._get(f"label/{urllib.parse.quote(label)}/values", params)
                return sorted(str(v) for v in values or [])
            found = re.fullmatch(r"query_result\((.+)\)", query, re.S)
            if found:
                data = self._get("query", [("query", found.group(1)), ("time", _fmt(end))])
                return [_prom_text(s.labels, s.points[-1][1] if s.points else math.nan) for s in _series(data)]
        except QueryError:
            return []
        return []


def _fmt(t: float) -> str:
    return repr(round(t, 3))


def _series(data) -> List[Series]:
    out = []
    kind = data.get("resultType") if isinstance(data, dict) else None
    for item in (data or {}).get("result", []) if kind in ("matrix", "vector") else []:
        labels = tuple(sorted((str(k), str(v)) for k, v in item.get("metric", {}).items()))
        if kind == "matrix":
            points = tuple((float(t), _number(v)) for t, v in item.get("values", []))
        else:
            t, v = item["value"]
            points = ((float(t), _number(v)),)
        out.append(Series(labels, points))
    if kind == "scalar":
        t, v = data["result"]
        out.append(Series((), ((float(t), _number(v)),)))
    return out


def _prom_text(labels, value: float) -> str:
    """query_result's text for a series: name{a="b"} value timestamp, as Grafana lists it."""
    d = dict(labels)
    name = d.pop("__name__", "")
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(d.items()))
    return f"{name}{{{inner}}} {value:g}"


def display_name(labels: Tuple[Tuple[str, str], ...], legend: str) -> str:
    """A series' name as Grafana's Prometheus data source gives it: the legend format with
    {{label}} filled in, or else the metric name and labels."""
    d = dict(labels)
    if legend and legend != "__auto":
        return re.sub(r"\{\{\s*(.+?)\s*\}\}", lambda m: d.get(m.group(1), ""), legend)
    name = d.pop("__name__", "")
    if not d:
        return name or "Value"
    inner = ", ".join(f'{k}="{v}"' for k, v in sorted(d.items()))
    return f"{name}{{{inner}}}"
