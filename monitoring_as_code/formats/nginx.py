"""Nginx configuration: the values mac writes into `location` blocks, and a writer for them.

Nginx splits a directive's arguments at white space and ends it at `;`, and expands `$name`
in many of them: a path such as `x; allow all` is accepted by `nginx -t` and silently opens a
location. So a value must be one plain token of its kind; the writer refuses anything else."""
from __future__ import annotations

import ipaddress
import re
from typing import Optional

from .prometheus import host_port

# An absolute file path of ordinary characters: nothing nginx would split, expand or quote.
_FILE_PATH = re.compile(r"/(?:[A-Za-z0-9._+@=,-]+/?)*\Z")
# A URL path prefix: /segment/…/ of unreserved characters.
_URL_PATH = re.compile(r"/(?:[A-Za-z0-9._~-]+/)*\Z")
# What the writer lets through unquoted: the union of the tokens above and fixed directives.
_TOKEN = re.compile(r"[A-Za-z0-9._+@=,:/\[\]~-]+\Z")


def file_path(value) -> Optional[str]:
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    if not _FILE_PATH.match(value) or "/../" in value + "/" or "/./" in value + "/":
        return ("is not an absolute file path of plain characters (letters, digits, . _ + @ = , -), "
                "without . or .. segments")
    return None


def upstream(value) -> Optional[str]:
    return host_port(value)


def url_path(value) -> Optional[str]:
    """The path a location serves: starts and ends with /, plain segments."""
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    if not _URL_PATH.match(value) or value == "/" or "/../" in value or "/./" in value:
        return "is not a URL path such as /prometheus/ (plain segments, starting and ending with /)"
    return None


def allow_entry(value, allow_all: bool = False) -> Optional[str]:
    """An `allow` argument: an IP address or a CIDR network (host bits zero); `all` only when
    the user opted in."""
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    if value == "all":
        return None if allow_all else "is `all`: every address could read /metrics (set metrics_allow_all=True to mean it)"
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        return f"is not an IP address or network ({exc})"
    if value != value.strip():
        return "has white space around it"
    return None


class Conf:
    """Nginx text, one directive at a time: every argument is one plain token."""

    def __init__(self) -> None:
        self.lines = []

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def directive(self, indent: int, name: str, *args: str) -> None:
        self.lines.append(self._statement(indent, name, args) + ";")

    def block(self, indent: int, name: str, *args: str) -> None:
        """Opens `name args {`; the caller closes it."""
        self.lines.append(self._statement(indent, name, args) + " {")

    @staticmethod
    def _statement(indent: int, name: str, args) -> str:
        for arg in args:
            if not isinstance(arg, str) or not _TOKEN.match(arg):
                raise ValueError(f"refusing to write {arg!r} into nginx's {name} directive")
        return " " * indent + " ".join((name, *args))

    def raw(self, text: str) -> None:
        """Fixed text of mac's own (never a user value)."""
        self.lines.append(text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
