"""Problems found in the user's definitions, each pointing at the user's file and line."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import Enum

from .source import UNKNOWN, Source


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    source: Source
    severity: Severity
    rule: str
    message: str
    help: str = ""
    # Where exactly, when known: the column (from 1) of the offending text on source.line,
    # the source line itself and how many characters to underline.
    column: int = 0
    excerpt: str = ""
    span: int = 0

    def sort_key(self):
        return (self.source.file, self.source.line, self.column, self.rule, self.message)

    def text(self) -> str:
        where = f"{self.source}:{self.column}" if self.column else str(self.source)
        out = f"{where}: [{self.severity.value}] {self.message} ({self.rule})"
        if self.column and self.excerpt:
            number = str(self.source.line)
            pad = " " * len(number)
            out += (f"\n {number} | {self.excerpt.rstrip()}"
                    f"\n {pad} | {' ' * (self.column - 1)}{'^' * max(1, self.span)}")
        return out + (f"\n    help: {self.help}" if self.help else "")


def error(source: Source | None, rule: str, message: str, help: str = "") -> Diagnostic:
    return Diagnostic(source or UNKNOWN, Severity.ERROR, rule, message, help)


def warning(source: Source | None, rule: str, message: str, help: str = "") -> Diagnostic:
    return Diagnostic(source or UNKNOWN, Severity.WARNING, rule, message, help)


def has_errors(problems) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def render(problems, fmt: str = "text") -> str:
    problems = sorted(problems, key=Diagnostic.sort_key)
    if fmt == "json":
        rows = []
        for p in problems:
            row = asdict(p)
            row["file"], row["line"] = p.source.file, p.source.line
            row["severity"] = p.severity.value
            del row["source"], row["excerpt"], row["span"]
            rows.append(row)
        return json.dumps(rows, indent=2, sort_keys=True)
    if fmt == "github":
        kind = {Severity.ERROR: "error", Severity.WARNING: "warning"}
        return "\n".join(
            f"::{kind[p.severity]} file={p.source.file},line={p.source.line}"
            + (f",col={p.column}" if p.column else "") + f",title={p.rule}::{p.message}"
            for p in problems
        )
    return "\n".join(p.text() for p in problems)
