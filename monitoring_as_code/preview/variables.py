"""Dashboard variables at their default values, substituted into a query as Grafana's
Prometheus data source does (interpolateQueryExpr): a single value as it is, several values
or "All" as a regex alternation with the regex characters escaped, $__interval,
$__rate_interval and $__range from the panel's window."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

from .timerange import Window, hms

# $var, ${var}, ${var:format}, [[var]] and [[var:format]], as Grafana's TemplateSrv reads them.
_REFERENCE = re.compile(r"\$(\w+)|\[\[(\w+)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}")


def regex_escape(value: str) -> str:
    """prometheusSpecialRegexEscape: a value inside =~"…", escaped for the regex and the string."""
    value = value.replace("\\", "\\\\\\\\")
    return re.sub(r"[$^*{}\[\]'+?.()|]", lambda m: "\\\\" + m.group(0), value)


def plain_escape(value: str) -> str:
    """prometheusRegularEscape: a single value of a single-value variable."""
    return value.replace("\\", "\\\\").replace("'", "\\\\'")


@dataclass(frozen=True)
class Value:
    """A variable's value as the page shows it and as a query gets it."""
    name: str
    label: str
    shown: str  # "All", "web-1", "a + b"
    values: Sequence[str]  # what was chosen; empty with All and no options known
    is_all: bool
    multi: bool
    include_all: bool
    all_value: Optional[str]

    def interpolate(self) -> str:
        if self.is_all:
            if self.all_value is not None:
                return self.all_value
            return "(" + "|".join(regex_escape(v) for v in self.values) + ")" if self.values else ".*"
        if not (self.multi or self.include_all):
            return plain_escape(self.values[0]) if self.values else ""
        if len(self.values) == 1:
            return regex_escape(self.values[0])
        return "(" + "|".join(regex_escape(v) for v in self.values) + ")"


def _current(variable: dict) -> List[str]:
    current = variable.get("current") or {}
    value = current.get("value")
    if value is None or value == "" or value == []:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def defaults(templating: List[dict], options_of: Callable[[dict, Dict[str, "Value"]], List[str]]) -> Dict[str, Value]:
    """Each variable at the value Grafana opens the dashboard with: its `current`, or "All"
    when it includes All and has none, or the first of its options (options_of asks the data
    source for a query variable's values, with the variables before it already set)."""
    out: Dict[str, Value] = {}
    for v in templating:
        name, kind = v.get("name", ""), v.get("type", "")
        include_all, multi = bool(v.get("includeAll")), bool(v.get("multi"))
        current = _current(v)
        if kind == "constant":
            current = [str(v.get("query", ""))]
        elif kind == "datasource":
            current = current or [str(v.get("query", ""))]
        elif kind == "textbox" and not current:
            current = [str(v.get("query", ""))]
        is_all = current in (["$__all"], ["All"]) or (not current and include_all)
        known: List[str] = []
        if kind in ("query", "custom", "interval") and (is_all or not current):
            known = options_of(v, out) if kind == "query" else _listed(v)
        values = known if is_all else current or known[:1]
        out[name] = Value(name=name, label=v.get("label") or name, shown="All" if is_all else " + ".join(values),
                          values=tuple(values), is_all=is_all, multi=multi, include_all=include_all,
                          all_value=v.get("allValue") or None)
    return out


def _listed(variable: dict) -> List[str]:
    listed = [str(o.get("value")) for o in variable.get("options") or [] if o.get("value") not in (None, "$__all")]
    if listed:
        return listed
    query = str(variable.get("query", ""))
    return [part.split(" : ")[-1].strip() for part in re.split(r"(?<!\\),", query) if part.strip()]


def substitute(text: str, variables: Dict[str, Value], win: Optional[Window]) -> str:
    """The query as Grafana sends it: built-in interval variables from the window, the
    dashboard's variables at their values; an unknown variable is left as written (as Grafana
    does, and Prometheus then refuses the query: that shows as the panel's error)."""
    builtins: Dict[str, str] = {}
    if win is not None:
        builtins = {
            "__interval": hms(win.step), "__interval_ms": str(int(win.step * 1000)),
            "__rate_interval": hms(win.rate_interval), "__rate_interval_ms": str(int(win.rate_interval * 1000)),
            "__range": f"{round(win.range_seconds)}s", "__range_s": str(round(win.range_seconds)),
            "__range_ms": str(int(win.range_seconds * 1000)),
        }

    def one(m: re.Match) -> str:
        name = m.group(1) or m.group(2) or m.group(4)
        if name in builtins:
            return builtins[name]
        if name in variables:
            return variables[name].interpolate()
        return m.group(0)

    return _REFERENCE.sub(one, text)
