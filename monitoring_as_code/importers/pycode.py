"""Model objects → Python source a person would write: constructor calls with only the
fields that differ from their defaults, positional where mac's own examples are (a panel's
title, a query's expression), one line when it fits in 100 columns, else one argument per
line; a datasource reference used more than once becomes a module constant."""
from __future__ import annotations

import dataclasses
import keyword
import math
import re
from typing import Dict, List, Set

from ..model import RecordingRule, RuleGroup
from ..model import panels as P

WIDTH = 100
SKIP = ("source", "ignore", "type_problems")
# Fields written positionally (in this order) when they come first.
POSITIONAL = {P.Threshold: ("value", "color"), P.GridPos: ("x", "y", "w", "h")}


def docstring(text: str) -> str:
    """A module docstring holding text from the input (a title, a file name): written as an
    escaped literal, so nothing in it can end the string and become code."""
    return string(text)


def string(s: str) -> str:
    """A string literal: double quotes unless the text holds them and no single quote."""
    if '"' in s and "'" not in s:
        return repr(s)
    if "'" not in s:
        return '"' + repr(s)[1:-1] + '"'
    return repr(s)


def identifier(text: str, fallback: str = "dashboard") -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name):
        name += "_"
    return name


class Writer:
    def __init__(self, expressions: bool = False, ignores=None) -> None:
        # id(object) → lint rules to ignore on it (baseline.py), written with a comment.
        self.ignores = ignores or {}
        # expressions: multi-line strings (PromQL as the user laid it out) as blocks.
        self.expressions = expressions
        self.variables: Dict[int, str] = {}  # id(rule) → the module variable holding it
        self.names: Set[str] = set()  # classes used: imported at the top
        self.constants: Dict[str, str] = {}  # flat source → constant name

    # ---- values ------------------------------------------------------------------------

    def args(self, obj) -> List[tuple]:
        """[(keyword or None, value)] of obj's fields that differ from their defaults."""
        cls = type(obj)
        out = []
        positional = POSITIONAL.get(cls, ())
        required = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING and not f.kw_only and f.name not in SKIP]
        if isinstance(obj, (P.Panel, P.Query, P.Row, RecordingRule, RuleGroup)) \
                or type(obj).__name__.endswith("Variable"):
            positional = tuple(required) or positional
        for f in dataclasses.fields(cls):
            if f.name in SKIP:
                continue
            value = getattr(obj, f.name)
            if f.name in positional:
                out.append((None, value))
                continue
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                out.append((f.name, value))
                continue
            if _same(value, default):
                continue
            out.append((f.name, value))
        if id(obj) in self.ignores:
            out.append(("ignore", Commented(list(self.ignores[id(obj)]),
                                            "as imported: see `mac import` in the README")))
        return [a for a in out if a[0] is None] + [a for a in out if a[0] is not None]

    def flat(self, value) -> str:
        """The one-line source of a value."""
        if isinstance(value, P.Query) and _bare(value):
            return string(value.expr)
        if isinstance(value, P.DataSourceName):
            self.names.add("DataSourceName")
            return f"DataSourceName({string(str(value))})"
        if id(value) in self.variables:
            return self.variables[id(value)]
        if isinstance(value, Commented):
            return self.flat(value.value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            name = type(value).__name__
            self.names.add(name)
            text = f"{name}({', '.join(self._arg(k, v, self._expr(k, v)) for k, v in self.args(value))})"
            return self.constants.get(text, text)
        if isinstance(value, tuple) and self.expressions and _labels(value):
            value = dict(value)
        if isinstance(value, dict):
            return "{" + ", ".join(f"{string(str(k))}: {self.flat(v)}" for k, v in value.items()) + "}"
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(self.flat(v) for v in value) + "]"
        if isinstance(value, str):
            return string(value)
        if isinstance(value, float) and not math.isfinite(value):
            return f"float({str(value)!r})"  # nan, inf: not Python literals (value/finite reports them)
        return repr(value)

    def _expr(self, key, value) -> str:
        if key == "expr" and self._multiline(value):
            return block(value)
        if key == "expr" and self.expressions and isinstance(value, str):
            return self.flat(value.strip())
        return self.flat(value)

    def _multiline(self, value) -> bool:
        """An expression laid out on several lines (written as a block; mac strips and
        dedents expressions, so the layout is kept and the meaning too)."""
        return self.expressions and isinstance(value, str) and "\n" in value.strip()

    @staticmethod
    def _arg(key, value, text) -> str:
        return text if key is None else f"{key}={text}"

    def render(self, value, column: int = 0, indent: int = 0) -> str:
        """Source of value starting at `column` of a line indented by `indent`: one line if
        it fits, else one item per line, indented by four more, closing at `indent`."""
        one = self.flat(value)
        commented = id(value) in self.ignores
        if (column + len(one) <= WIDTH and not commented) or one in self.constants.values():
            return one
        if isinstance(value, P.Query) and _bare(value):
            return one
        inner = indent + 4
        if isinstance(value, str) and "\n" in value.rstrip("\n"):
            # Long text of several lines: one literal per line, joined by Python.
            pieces = value.splitlines(keepends=True)
            return "(\n" + "\n".join(" " * inner + self.flat(p) for p in pieces) + "\n" + " " * indent + ")"
        pad = " " * inner
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            items = [("" if key is None else f"{key}=", v) for key, v in self.args(value)]
            opening, closing = f"{type(value).__name__}(", ")"
        elif isinstance(value, (dict, tuple)) and (isinstance(value, dict) or (self.expressions and _labels(value))):
            items = [(f"{string(str(k))}: ", v) for k, v in dict(value).items()]
            opening, closing = "{", "}"
        elif isinstance(value, (list, tuple)):
            items = [("", v) for v in value]
            opening, closing = "[", "]"
        else:
            return one
        parts = [pad + head + (block(v, inner) if head == "expr=" and self._multiline(v) else
                               self.render(v.strip() if head == "expr=" and self.expressions else v,
                                           inner + len(head), inner)) + ","
                 + (f"  # {v.comment}" if isinstance(v, Commented) else "") for head, v in items]
        return opening + "\n" + "\n".join(parts) + "\n" + " " * indent + closing

    # ---- a module ----------------------------------------------------------------------

    def hoist(self, root) -> List[str]:
        """Datasource references written more than once become constants."""
        from ..options import DataSourceRef

        counts: Dict[str, int] = {}
        for obj in _walk(root):
            if isinstance(obj, DataSourceRef):
                text = self.flat(obj)
                counts[text] = counts.get(text, 0) + 1
        lines, used = [], set()
        for text, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if n < 2:
                continue
            uid = re.search(r'uid="([^"]*)"', text)
            base = identifier(uid.group(1) if uid else "", "datasource").upper() if uid else "DATASOURCE"
            name, i = base, 2
            while name in used:
                name, i = f"{base}_{i}", i + 1
            used.add(name)
            lines.append(f"{name} = {text}")
            self.constants[text] = name
        return lines


class Commented:
    """A value written with a comment after it."""

    def __init__(self, value, comment: str) -> None:
        self.value, self.comment = value, comment


def block(text: str, indent: int = 0) -> str:
    """A multi-line expression as a triple-quoted block, indented under its key; mac dedents
    and strips expressions when it writes them, so the block reads as the input did."""
    body = text.strip("\n")
    if '"""' in body or body.endswith("\\"):
        return repr(text)
    prefix = "r" if "\\" in body else ""
    pad = " " * (indent + 4)
    lines = [pad + line if line.strip() else "" for line in __import__("textwrap").dedent(body).split("\n")]
    return prefix + '"""\n' + "\n".join(lines) + "\n" + " " * indent + '"""'


def _bare(query: P.Query) -> bool:
    defaults = P.Query("")
    return all(_same(getattr(query, f.name), getattr(defaults, f.name))
               for f in dataclasses.fields(P.Query) if f.name not in SKIP + ("expr",))


def _labels(value) -> bool:
    return isinstance(value, tuple) and value and all(isinstance(p, tuple) and len(p) == 2 for p in value)


def _same(a, b) -> bool:
    if type(a) is not type(b) and (isinstance(a, P.DataSourceName) or isinstance(b, P.DataSourceName)):
        return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b or (a is None and b is None)


def _walk(value):
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name not in SKIP:
                yield from _walk(getattr(value, f.name))
    elif isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v)


def module(dashboard, variable: str, origin: str, ignores=None) -> str:
    """The source of a definition module holding one dashboard."""
    from .. import model, options

    writer = Writer(ignores=ignores)
    constants = writer.hoist(dashboard)
    body = f"{variable} = " + writer.render(dashboard, len(variable) + 3, 0)
    model_names = sorted(n for n in writer.names if hasattr(model, n))
    option_names = sorted(n for n in writer.names if n not in model_names and hasattr(options, n))
    lines = [docstring(f"{dashboard.title or dashboard.uid}: imported by `mac import grafana` from {origin}.")]
    lines += _imports("monitoring_as_code", model_names)
    lines += _imports("monitoring_as_code.options", option_names)
    lines.append("")
    if constants:
        lines += constants + [""]
    lines.append(body)
    return "\n".join(lines) + "\n"


def _imports(package: str, names: List[str]) -> List[str]:
    if not names:
        return []
    line = f"from {package} import {', '.join(names)}"
    if len(line) <= WIDTH:
        return [line]
    out, current = [f"from {package} import ("], "   "
    for name in names:
        if len(current) + len(name) + 2 > WIDTH:
            out.append(current.rstrip())
            current = "   "
        current += f" {name},"
    out.append(current.rstrip())
    out.append(")")
    return out


def rules_module(groups, origin: str) -> str:
    """The source of a definition module holding rule groups: each rule a variable (named
    after it), then the groups listing them."""
    writer = Writer(expressions=True)
    taken: Set[str] = {"__builtins__"}
    blocks = []
    for group in groups:
        for rule in group.rules:
            base = identifier(_snake(rule.name), "rule")
            name, i = base, 2
            while name in taken:
                name, i = f"{base}_{i}", i + 1
            taken.add(name)
            blocks.append(f"{name} = " + writer.render(rule, len(name) + 3, 0))
            writer.variables[id(rule)] = name
    for group in groups:
        base = identifier(group.name, "group") + "_group"
        name, i = base, 2
        while name in taken:
            name, i = f"{base}_{i}", i + 1
        taken.add(name)
        blocks.append(f"{name} = " + writer.render(group, len(name) + 3, 0))
    names = sorted(writer.names)
    head = [docstring(f"Imported by `mac import rules` from {origin}.")]
    head += _imports("monitoring_as_code", names)
    return "\n".join(head) + "\n\n" + "\n\n".join(blocks) + "\n"


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.replace(":", "_"))
