"""Where the user wrote something: every model object carries a Source."""
from __future__ import annotations

import contextlib
import functools
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
    return _display_path(path, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:  # every object of a file asks again: remember
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


_roots: tuple = ()


@contextlib.contextmanager
def definition_roots(folders):
    """While the loader imports definition modules from `folders`, objects built by helper
    functions point at the module-level line that called the helper."""
    global _roots
    # Folders end with os.sep; a single file (stack.py) is matched by its own path.
    previous, _roots = _roots, tuple(os.path.abspath(f) + (os.sep if f.endswith(os.sep) else "") for f in folders)
    try:
        yield
    finally:
        _roots = previous


def caller() -> Source:
    """Where the user built the object: while definitions load, the innermost module-level
    line of a definition module (so an object made by a helper function points at the
    definition that called the helper); otherwise the innermost frame outside this package.

    sys._getframe is used instead of inspect.stack() because the latter reads source files
    for every frame, which costs milliseconds per object on large repositories."""
    frame = sys._getframe(1)
    first = None
    while frame is not None:
        code = frame.f_code
        filename = code.co_filename
        if not filename.startswith(_PACKAGE_DIR) and not filename.startswith("<"):
            if _roots and code.co_name == "<module>" and os.path.abspath(filename).startswith(_roots):
                return Source(display_path(filename), frame.f_lineno)
            first = first or Source(display_path(filename), frame.f_lineno)
            if not _roots:
                return first
        frame = frame.f_back
    return first or UNKNOWN
