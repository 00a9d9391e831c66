"""grafana.ini, as Grafana's go-ini loader reads it, and the one writer for it.

go-ini ends a value at the line's end, trims white space around it, strips quotes around it,
treats `;` and `#` after white space as comments, and Grafana expands `$__env{…}`,
`$__file{…}` and `${…}` in any value. So a value that must mean itself holds no control
characters, no surrounding white space or quotes, no comment marks and no `$`."""
from __future__ import annotations

import re
from typing import Optional

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_NAME = re.compile(r"[A-Za-z0-9_.]+\Z")


def value(text, allow_dollar: bool = False) -> Optional[str]:
    if not isinstance(text, str):
        return f"is a {type(text).__name__}, not a string"
    if _CONTROL.search(text):
        return "holds a control character or line break, which would end the value and start new settings"
    if text != text.strip():
        return "has white space around it, which grafana.ini drops"
    if text[:1] in "\"'`":
        return "starts with a quote, which grafana.ini strips"
    if re.search(r"(^|\s)[;#]", text):
        return "holds ; or # after white space, which grafana.ini reads as a comment"
    if not allow_dollar and "$" in text:
        return "holds $, which Grafana expands ($__env{…}, $__file{…}, ${…})"
    return None


class Ini:
    """Sections and keys are mac's (fixed names); values pass value() or are refused."""

    def __init__(self, header) -> None:
        self.lines = list(header)

    def section(self, name: str) -> None:
        if not _NAME.match(name):
            raise ValueError(f"not a section name: {name!r}")
        if any(line.startswith("[") for line in self.lines):
            self.lines.append("")
        self.lines.append(f"[{name}]")

    def comment(self, text: str) -> None:
        if _CONTROL.search(text):
            raise ValueError(f"refusing a comment with a line break: {text!r}")
        self.lines.append(f"; {text}")

    def set(self, key: str, text: str, allow_dollar: bool = False) -> None:
        if not _NAME.match(key):
            raise ValueError(f"not a key name: {key!r}")
        problem = value(text, allow_dollar)
        if problem:
            raise ValueError(f"refusing to write {text!r} as grafana.ini's {key}: it {problem}")
        self.lines.append(f"{key} = {text}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
