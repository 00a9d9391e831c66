"""Where the user wrote something: every model object carries a Source."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


@dataclass(frozen=True, order=True)
class Source:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


UNKNOWN = Source("<unknown>", 0)


def display_path(path: str) -> str:
    """Relative to the working directory when below it, so messages and output never carry
    an absolute path that differs between machines."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def caller() -> Source:
    """The first frame outside this package: the user's call that built the object.

    sys._getframe is used instead of inspect.stack() because the latter reads source files
    for every frame, which costs milliseconds per object on large repositories."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE_DIR) and not filename.startswith("<"):
            return Source(display_path(filename), frame.f_lineno)
        frame = frame.f_back
    return UNKNOWN
