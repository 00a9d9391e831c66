"""Where inside the user's file a piece of an expression stands: the line and column of a
token inside a (possibly multi-line) string literal, for diagnostics with a caret.

The object's line (Source) is where the definition was written; when the expression is a
literal in that file, its text is found there and an offset into the expression becomes a
line and column of the file. Expressions built at run time (f-strings, concatenation) keep
the object's line."""
from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from typing import List, Optional, Tuple

_PREFIX = re.compile(r"^([rRbBuUfF]*)('''|\"\"\"|'|\")")
_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t", "v": "\v"}


@functools.lru_cache(maxsize=64)
def _literals(path: str) -> Tuple[Tuple[str, int, int, Tuple[Tuple[int, int], ...]], ...]:
    """(value, first line, last line, (line, column) of each value character) of every plain
    string literal in the file (implicit concatenations included)."""
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return ()
    lines = source.splitlines(keepends=True)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.end_lineno is not None:
            positions = _positions(lines, node)
            if positions is not None and len(positions) == len(node.value):
                out.append((node.value, node.lineno, node.end_lineno, tuple(positions)))
    return tuple(out)


def _positions(lines, node) -> Optional[List[Tuple[int, int]]]:
    """(line, column) in the file of each character of the literal's value."""
    segment = "".join(lines[node.lineno - 1:node.end_lineno])
    # The segment holds whole lines: tokenize it from the literal's first line.
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    first_col = node.col_offset
    positions: List[Tuple[int, int]] = []
    for tok in tokens:
        if tok.type != tokenize.STRING:
            continue
        line, col = tok.start[0] + node.lineno - 1, tok.start[1]
        if line == node.lineno and col < first_col:
            continue
        if line > node.end_lineno:
            break
        m = _PREFIX.match(tok.string)
        if m is None or "f" in m.group(1).lower() or "b" in m.group(1).lower():
            return None
        raw = "r" in m.group(1).lower()
        body = tok.string[m.end():len(tok.string) - len(m.group(2))]
        line_at, col_at = line, col + m.end()
        i = 0
        while i < len(body):
            ch = body[i]
            if ch == "\\" and not raw and i + 1 < len(body):
                nxt = body[i + 1]
                if nxt == "\n":  # line continuation: no character
                    i += 2
                    line_at, col_at = line_at + 1, 0
                    continue
                length = _escape_length(body, i)
                positions.append((line_at, col_at))
                i += length
                col_at += length
                continue
            positions.append((line_at, col_at))
            i += 1
            if ch == "\n":
                line_at, col_at = line_at + 1, 0
            else:
                col_at += 1
        if line >= node.end_lineno and tok.end[0] + node.lineno - 1 >= node.end_lineno:
            break
    return positions


def _escape_length(body: str, i: int) -> int:
    nxt = body[i + 1]
    if nxt in _SIMPLE_ESCAPES:
        return 2
    if nxt == "x":
        return 4
    if nxt == "u":
        return 6
    if nxt == "U":
        return 10
    if nxt == "N":
        end = body.find("}", i)
        return end - i + 1 if end > 0 else 2
    if nxt in "01234567":
        j = i + 1
        while j < len(body) and j < i + 4 and body[j] in "01234567":
            j += 1
        return j - i
    return 1  # an unknown escape keeps the backslash: one character


def position(source, text: str, offset: int) -> Optional[Tuple[int, int, str]]:
    """(line, column from 1, the source line) of character `offset` of the expression `text`
    written as a literal in source.file at or after source.line; None when not found."""
    if source is None or not source.file or source.file.startswith("<"):
        return None
    candidates = [lit for lit in _literals(source.file) if lit[0] == text]
    if not candidates:
        return None
    # The literal of this definition: the first at or after its line, else the nearest before.
    after = [c for c in candidates if c[2] >= source.line]
    value, first, last, positions = min(after, key=lambda c: c[1]) if after else max(candidates, key=lambda c: c[1])
    if not 0 <= offset < len(positions):
        return None
    line, column = positions[offset]
    try:
        with open(source.file, encoding="utf-8") as f:
            shown = f.read().splitlines()[line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        shown = ""
    return line, column + 1, shown


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')


def name_offset(text: str, name: str) -> Optional[int]:
    """Where the metric `name` first stands in a PromQL text, outside string literals."""
    masked = _STRINGS.sub(lambda m: " " * len(m.group()), text)
    m = re.search(r"(?<![\w:])" + re.escape(name) + r"(?![\w:])", masked)
    return m.start() if m else None


def syntax_offset(text: str) -> Optional[Tuple[int, int]]:
    """(offset, length) of a bracket or quote that does not pair: where a syntax error is;
    None when brackets and quotes are balanced (the error is elsewhere)."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'`":
            m = _STRINGS.match(text, i)
            if m is None:
                return i, 1
            i = m.end()
            continue
        if ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        if ch in "([{":
            stack.append(i)
        elif ch in pairs:
            if not stack or text[stack[-1]] != pairs[ch]:
                return i, 1
            stack.pop()
        i += 1
    if stack:
        return stack[-1], 1
    return None
