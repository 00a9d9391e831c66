"""PromQL facts mac needs, on top of promql-parser: syntax, and an alert's threshold comparison."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

import promql_parser

from .dialect import prepare, quoted_names

COMPARISONS = {"<", "<=", ">", ">=", "==", "!="}
# How a comparison reads when its operands are swapped: `15 > x` is `x < 15`.
MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def parse(expr: str):
    """The parsed expression; ValueError with promql-parser's message on a syntax error.
    2.42's holt_winters and \\Q…\\E are made parseable first (dialect.prepare)."""
    return promql_parser.parse(prepare(expr))


@dataclass(frozen=True)
class Comparison:
    """`lhs op value`: the part of an alert expression that decides whether it fires."""

    lhs: str
    op: str
    value: float


def _op(node) -> str:
    return str(node.op).strip()


def _unwrap(node):
    while isinstance(node, promql_parser.ParenExpr):
        node = node.expr
    return node


def _is_filter_comparison(node) -> bool:
    return (isinstance(node, promql_parser.BinaryExpr) and _op(node) in COMPARISONS
            and not (node.modifier is not None and node.modifier.return_bool))


@functools.lru_cache(maxsize=65536)
def _analysis(text: str):
    """(normalized text, comparison, metric names) of an expression, from one parse: lint,
    boundary tests, `mac diff`'s snapshot and comparison each ask, about the same alerts."""
    node = parse(text)
    return str(node), _comparison_of(node), tuple(_metric_names_of(node))


def normalized(text: str) -> str:
    """The expression as promql-parser prints it: formatting differences gone."""
    return _analysis(text)[0]


def comparison(expr) -> Optional[Comparison]:
    """The threshold comparison of an alert expression, or None when it has none.

    Looks through `and`/`unless` (their left side decides which series fire; the right
    side only filters) and parentheses. One side must be a number literal."""
    return _analysis(expr)[1] if isinstance(expr, str) else _comparison_of(expr)


def _comparison_of(node) -> Optional[Comparison]:
    node = _unwrap(node)
    while isinstance(node, promql_parser.BinaryExpr) and _op(node) in ("and", "unless"):
        node = _unwrap(node.lhs)
    if not _is_filter_comparison(node):
        return None
    lhs, rhs = _unwrap(node.lhs), _unwrap(node.rhs)
    if isinstance(rhs, promql_parser.NumberLiteral):
        return Comparison(text_of(node.lhs), _op(node), float(rhs.val))
    if isinstance(lhs, promql_parser.NumberLiteral):
        return Comparison(text_of(node.rhs), MIRROR[_op(node)], float(lhs.val))
    return None


def without_comparison(expr: str) -> Optional[str]:
    """The expression with its threshold comparison taken out (`X > 80 and on() F` gives
    `(X) and on() F`): what Grafana queries before its threshold expression compares. None
    when the expression has no comparison with a number."""
    root = parse(expr)
    node = _unwrap(root)
    while isinstance(node, promql_parser.BinaryExpr) and _op(node) in ("and", "unless"):
        node = _unwrap(node.lhs)
    if comparison(expr) is None or not _is_filter_comparison(node):
        return None
    side = node.lhs if isinstance(_unwrap(node.rhs), promql_parser.NumberLiteral) else node.rhs
    whole, part = text_of(root), text_of(node)
    if whole == part:
        return text_of(side)
    if whole.count(part) != 1:
        return None
    out = whole.replace(part, f"({text_of(side)})")
    parse(out)  # still PromQL
    return out


_MATCH_OPS = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~", "MatchOp.NotRe": "!~"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f]')


def quoted(value: str) -> str:
    """A PromQL string literal of value (double quotes, escapes as PromQL reads them)."""
    return '"' + "".join({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c, c)
                         if c in '\\"\n\t\r' or ord(c) >= 32 else f"\\x{ord(c):02x}" for c in value) + '"'


def text_of(node) -> str:
    r"""The expression as promql-parser prints it, re-parseable: its printer writes matcher
    values raw between quotes (`"5\\d"` comes back as `"5\d"`, which does not parse),
    so selectors whose values need escapes are written again with them."""
    text = str(node)
    fixes = []

    def visit(n):
        if isinstance(n, promql_parser.VectorSelector) and any(_NEEDS_ESCAPE.search(m.value) for m in n.matchers.matchers):
            matchers = ", ".join(f"{m.name}{_MATCH_OPS[str(m.op)]}{quoted(m.value)}" for m in n.matchers.matchers
                                 if not (m.name == "__name__" and n.name))
            fixes.append((str(n), f"{n.name or ''}{{{matchers}}}"))
        return True

    promql_parser.walk(node, visit)
    for printed, fixed in fixes:
        text = text.replace(printed, fixed)
    return text


_RANGE_VAR = re.compile(r"\[\s*(\$\{[^}]*\}|\$\w+|\[\[\w+\]\])\s*(:[^\]]*)?\]")
_VAR = re.compile(r"\$\{[^}]*\}|\$\w+|\[\[\w+\]\]")
# `label=~"$var"`: the whole regex is the variable's value, unknown until Grafana fills it in.
_REGEX_OF_VAR = re.compile(r"([=!])~(\s*)\"(?:\$\{[^}\"]*\}|\$\w+|\[\[\w+\]\])\"")
# Windows given by a variable become this unusual duration, so rules can tell them from
# literal windows after parsing: 4h44m44s stands for $__rate_interval, 4h44m43s for others.
RATE_INTERVAL_SECONDS = 17084.0
_OTHER_INTERVAL = "4h44m43s"


# One pass for all three: a window, a whole-regex variable, any other variable.
_ANY_VAR = re.compile("(?P<window>" + _RANGE_VAR.pattern + ")|(?P<regex>" + _REGEX_OF_VAR.pattern.replace("([=!])", "(?P<op>[=!])").replace("(\\s*)", "(?P<space>\\s*)") + ")|" + _VAR.pattern)


_placeholders: dict = {}  # matched text → replacement: the same few variables recur everywhere


def _placeholder(m) -> str:
    text = m.group(0)
    found = _placeholders.get(text)
    if found is None:
        found = _placeholders[text] = _make_placeholder(m)
    return found


def _make_placeholder(m) -> str:
    if m.group("window") is not None:
        name = m.group(2).strip("${}[]").split(":")[0]
        duration = "4h44m44s" if name == "__rate_interval" else _OTHER_INTERVAL
        return f"[{duration}{m.group(3) or ''}]"
    if m.group("regex") is not None:
        # A placeholder regex checks nothing, and compiling one is most of parsing a typical
        # panel query (`instance=~"$instance"`): compare with a plain string instead.
        return ("=" if m.group("op") == "=" else "!=") + m.group("space") + '"mac_var"'
    return "mac_var"


_OFFSET_VAR = re.compile(r"(\boffset\s+)(\$\{[^}]*\}|\$\w+|\[\[\w+\]\])")


def numeric_variables(expr: str) -> str:
    """The dashboard query with its remaining variables read as numbers: a variable where
    PromQL wants a scalar (`topk($limit, …)`, `> $threshold`). The second reading lint tries
    when the first (variables as label values and names) does not parse."""
    return _VAR.sub("1", substitute_grafana_variables(expr).replace("mac_var", "$mac_var").replace(
        '"$mac_var"', '"mac_var"'))


def substitute_grafana_variables(expr: str) -> str:
    """A dashboard query made parseable: `[$__rate_interval]` → a marker duration,
    `instance=~"$instance"` → `instance="mac_var"`, other `$var` → a placeholder. For
    checks only; Grafana fills in the real values."""
    if "$" not in expr and "[[" not in expr:
        return expr
    # `offset $__interval`: an offset is a duration.
    expr = _OFFSET_VAR.sub(lambda m: m.group(1) + _OTHER_INTERVAL, expr)
    return _ANY_VAR.sub(_placeholder, expr)


# Functions and aggregations for which a raw counter is the right input.
COUNTER_FUNCTIONS = frozenset({"rate", "irate", "increase", "resets", "changes", "absent", "absent_over_time",
                               "present_over_time", "count_over_time", "timestamp"})
COUNTING_AGGREGATIONS = frozenset({"count", "group"})


@dataclass(frozen=True)
class Facts:
    """What lint reads from a parsed expression, gathered in one pass so the (large) tree can
    be dropped: 20,000 parsed panel queries would otherwise hold about 240 MB."""

    metric_names: tuple  # every selector's metric name, each once, in order
    range_calls: tuple  # (function, window seconds) for each call given a range vector
    raw_selectors: tuple  # metric names read outside rate()-like functions and count/group
    functions: tuple = ()  # names of the functions and aggregations called, each once
    regexes: tuple = ()  # the patterns of =~ and !~ matchers, each once
    quoted_name: bool = False  # a quoted metric or label name ({"name"}, Prometheus 3)


def facts(node, text: str = "") -> Facts:
    names, ranges, raw, functions, regexes = [], [], [], [], []
    vector, matrix, call, aggregate = (promql_parser.VectorSelector, promql_parser.MatrixSelector,
                                       promql_parser.Call, promql_parser.AggregateExpr)
    binary = promql_parser.BinaryExpr
    wrappers = (promql_parser.ParenExpr, promql_parser.UnaryExpr, promql_parser.SubqueryExpr)

    def visit(n, counted: bool) -> None:
        kind = type(n)
        if kind is vector:
            if n.name:
                names.append(n.name)
                if not counted:
                    raw.append(n.name)
            for m in n.matchers.matchers:
                if str(m.op).endswith("Re"):
                    regexes.append(m.value)
        elif kind is matrix:
            visit(n.vector_selector, counted)
        elif kind is call:
            name = n.func.name
            functions.append(name)
            inner = counted or name in COUNTER_FUNCTIONS
            for arg in n.args:
                if type(arg) is matrix:
                    ranges.append((name, arg.range.total_seconds()))
                visit(arg, inner)
        elif kind is aggregate:
            functions.append(_op(n))
            if n.param is not None:
                visit(n.param, True)
            visit(n.expr, counted or _op(n) in COUNTING_AGGREGATIONS)
        elif kind is binary:
            visit(n.lhs, counted)
            visit(n.rhs, counted)
        elif kind in wrappers:
            visit(n.expr, counted)

    visit(node, False)
    return Facts(tuple(dict.fromkeys(names)), tuple(ranges), tuple(dict.fromkeys(raw)),
                 tuple(dict.fromkeys(functions)), tuple(dict.fromkeys(regexes)), quoted_names(text))


def metric_names(expr) -> list:
    """Metric names of every vector selector, in order of appearance."""
    return list(_analysis(expr)[2]) if isinstance(expr, str) else _metric_names_of(expr)


def _metric_names_of(node) -> list:
    names = []

    def visit(n):
        if isinstance(n, promql_parser.VectorSelector) and n.name:
            names.append(n.name)
        elif isinstance(n, promql_parser.MatrixSelector) and n.vector_selector.name:
            names.append(n.vector_selector.name)
        return True

    promql_parser.walk(node, visit)
    return names
