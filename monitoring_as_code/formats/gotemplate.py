"""Go's text/template, as Prometheus parses alert annotations and labels: syntax, the
functions Prometheus defines, and variables in scope.

Not a full Go template implementation: it lexes and parses what text/template's parser
checks when Prometheus loads a rule (actions balanced, `else`/`end`/`break` where they may
stand, every function name known, every `$variable` declared, no empty command). Its verdicts
are held to promtool's on a list of templates (tests/test_formats.py)."""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from ..dialect import at_least

# Go's builtins and Prometheus' own (template/template.go), measured with `promtool check
# rules` 2.42: each name in an annotation passes, toDuration, now and urlUnescape do not.
GO_FUNCTIONS = frozenset("and call html index slice js len not or print printf println urlquery eq ge gt le lt ne".split())
PROMETHEUS_FUNCTIONS = {
    "2.42": frozenset("""query first label value strvalue args reReplaceAll safeHtml match title toUpper toLower
        graphLink tableLink sortByLabel stripPort stripDomain humanize humanize1024 humanizeDuration
        humanizePercentage humanizeTimestamp toTime pathPrefix externalURL parseDuration""".split()),
}
# Later additions, from Prometheus' template reference (not measured here: no newer promtool).
ADDED = {"2.49": frozenset({"toDuration"}), "3.0": frozenset({"now", "urlUnescape"})}
# Prometheus prefixes every alert template with these definitions.
PREDEFINED = ("$", "$labels", "$externalLabels", "$externalURL", "$value")
KEYWORDS = frozenset("block break continue define else end if range template with".split())


def functions(version: str = "2.42") -> frozenset:
    found = set(GO_FUNCTIONS) | PROMETHEUS_FUNCTIONS["2.42"]
    for since, names in ADDED.items():
        if at_least(version, since):
            found |= names
    return frozenset(found)


class TemplateError(ValueError):
    """A template Prometheus would refuse; offset: where in the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)+')
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:i)?)
  | (?P<declare>:=)
  | (?P<assign>=)
  | (?P<pipe>\|)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<comma>,)
  | (?P<variable>\$[A-Za-z0-9_]*)
  | (?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
""", re.X)


def _actions(text: str):
    """(action body, offset of the body) for each {{ … }}; comments dropped."""
    i = 0
    while True:
        start = text.find("{{", i)
        if start < 0:
            return
        body = start + 2
        if text.startswith("- ", body) or text.startswith("-\t", body) or text.startswith("-\n", body):
            body += 1
        # A comment: {{/* … */}} (with optional trim markers).
        stripped = body + (len(text[body:]) - len(text[body:].lstrip(" \t\r\n")) if text[body - 1] == "-" else 0)
        if text.startswith("/*", stripped):
            close = text.find("*/", stripped + 2)
            if close < 0:
                raise TemplateError("unclosed comment", start)
            after = close + 2
            rest = text[after:]
            trimmed = rest.lstrip(" \t\r\n")
            if trimmed.startswith("-}}") and rest[:1].isspace():
                i = after + (len(rest) - len(trimmed)) + 3
            elif rest.startswith("}}"):
                i = after + 2
            else:
                raise TemplateError("comment ends before closing delimiter", start)
            continue
        tokens, j = [], body
        while True:
            if text.startswith("}}", j):
                end = j + 2
                break
            if text.startswith("-}}", j) and j > body and text[j - 1].isspace():
                end = j + 3
                break
            m = _TOKEN.match(text, j)
            if m is None:
                if j >= len(text):
                    raise TemplateError("unclosed action", start)
                raise TemplateError(f"unexpected {text[j]!r} in action", j)
            if m.lastgroup != "space":
                tokens.append((m.lastgroup, m.group(), j))
            j = m.end()
        yield tokens, start
        i = end


def check(text: str, version: str = "2.42") -> Optional[TemplateError]:
    """None if Prometheus would parse `text`, else why not (with its offset)."""
    try:
        _check(text, functions(version))
    except TemplateError as exc:
        return exc
    return None


def _check(text: str, known: frozenset) -> None:
    # Each open block: (keyword, its variables' scope, inside range?)
    scopes: List[set] = [set(PREDEFINED)]
    blocks: List[Tuple[str, int]] = []
    for tokens, offset in _actions(text):
        if not tokens:
            raise TemplateError("missing value for command", offset)
        kind, word, at = tokens[0]
        if kind == "ident" and word in KEYWORDS:
            rest = tokens[1:]
            if word == "end":
                if not blocks:
                    raise TemplateError("unexpected {{end}}", at)
                blocks.pop()
                scopes.pop()
                continue
            if word == "else":
                if not blocks or blocks[-1][0] not in ("if", "range", "with"):
                    raise TemplateError("unexpected {{else}}", at)
                scopes[-1] = set(scopes[-2])
                if rest and rest[0][0] == "ident" and rest[0][1] in ("if", "with"):
                    _pipeline(rest[1:], scopes[-1], known, at, declare=True)
                elif rest:
                    raise TemplateError("unexpected tokens after {{else}}", at)
                continue
            if word in ("break", "continue"):
                if not any(b == "range" for b, _ in blocks):
                    raise TemplateError(f"{{{{{word}}}}} outside {{{{range}}}}", at)
                if rest:
                    raise TemplateError(f"unexpected tokens after {{{{{word}}}}}", at)
                continue
            if word in ("template", "define", "block"):
                if not rest or rest[0][0] not in ("string", "raw"):
                    raise TemplateError(f"{word} needs a quoted name", at)
                if word == "define" and len(rest) > 1:
                    raise TemplateError("define takes only a name", at)
                if len(rest) > 1:
                    _pipeline(rest[1:], scopes[-1], known, at)
                if word in ("define", "block"):
                    blocks.append((word, at))
                    scopes.append(set(PREDEFINED) if word == "define" else set(scopes[-1]))
                continue
            # if, range, with: a pipeline (range and with may declare variables)
            if not rest:
                raise TemplateError(f"missing value for {word}", at)
            blocks.append((word, at))
            scopes.append(set(scopes[-1]))
            _pipeline(rest, scopes[-1], known, at, declare=True, range_=word == "range")
            continue
        _pipeline(tokens, scopes[-1], known, offset, declare=True)
    if blocks:
        raise TemplateError("unexpected EOF (a block is not closed by {{end}})", blocks[-1][1])


def _pipeline(tokens, scope: set, known: frozenset, at: int, declare: bool = False, range_: bool = False) -> None:
    # Variable declarations: `$x :=` or `$i, $e :=` (range only) at the start.
    names, i = [], 0
    while i + 1 < len(tokens) and tokens[i][0] == "variable" and tokens[i + 1][0] in ("declare", "assign", "comma"):
        names.append(tokens[i])
        sep = tokens[i + 1][0]
        i += 2
        if sep != "comma":
            break  # promtool 2.42's Go accepts `$x = …` for an undeclared $x too
    else:
        if names:
            raise TemplateError("missing := after variables", at)
    if names and not declare:
        raise TemplateError("variable declaration not allowed here", at)
    if len(names) > (2 if range_ else 1):
        raise TemplateError("too many declarations", at)
    _commands(tokens[i:], scope, known, at)
    for kind, word, _ in names:
        scope.add(word)


def _commands(tokens, scope, known, at) -> None:
    depth, command = 0, []
    commands = [command]
    for kind, word, pos in tokens:
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                raise TemplateError("unexpected right paren", pos)
        elif kind == "pipe" and depth == 0:
            command = []
            commands.append(command)
            continue
        elif kind in ("declare", "assign", "comma"):
            raise TemplateError(f"unexpected {word!r} in command", pos)
        elif kind == "variable" and word.split(".")[0] not in scope:
            raise TemplateError(f"undefined variable {word!r}", pos)
        elif kind == "ident":
            if word in KEYWORDS:
                raise TemplateError(f"unexpected {word} in command", pos)
            if word not in ("true", "false", "nil") and word not in known:
                raise TemplateError(f"function {word!r} not defined", pos)
        command.append((kind, word, pos))
    if depth:
        raise TemplateError("unclosed left paren", at)
    # The first command must hold something; an empty one after a final `|` passes Go 1.19's parser.
    for command in commands[:-1] if len(commands) > 1 else commands:
        if not command:
            raise TemplateError("missing value for command", at)
        if _empty_parens(command):
            raise TemplateError("missing value for parenthesized pipeline", at)


def _empty_parens(command) -> bool:
    return any(a[0] == "open" and b[0] == "close" for a, b in zip(command, command[1:]))
