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
_roots_cwd = ""
# filename → (display path, is it inside a definition root?); reset when the roots or the
# working directory change. caller() runs for every model object: 20,000 panels in a large
# repository, so it must not call getcwd/abspath each time.
_files: dict = {}
_files_key: tuple = ()


@contextlib.contextmanager
def definition_roots(folders):
    """While the loader imports definition modules from `folders`, objects built by helper
    functions point at the module-level line that called the helper."""
    global _roots, _roots_cwd
    # Folders end with os.sep; a single file (stack.py) is matched by its own path.
    previous = _roots, _roots_cwd
    _roots = tuple(os.path.abspath(f) + (os.sep if f.endswith(os.sep) else "") for f in folders)
    _roots_cwd = os.getcwd()  # nothing changes directory while definitions load
    try:
        yield
    finally:
        _roots, _roots_cwd = previous


def _classify(filename: str):
    global _files, _files_key
    key = (_roots, _roots_cwd or os.getcwd())
    if key != _files_key:
        _files, _files_key = {}, key
    found = _files.get(filename)
    if found is None:
        if filename.startswith(_PACKAGE_DIR) or filename.startswith("<"):
            found = (None, False)
        else:
            found = (display_path(filename), bool(_roots) and os.path.abspath(filename).startswith(_roots))
        _files[filename] = found
    return found


def caller() -> Source:
    """Where the user built the object: while definitions load, the innermost module-level
    line of a definition module (so an object made by a helper function points at the
    definition that called the helper); otherwise the innermost frame outside this package.

    sys._getframe is used instead of inspect.stack() because the latter reads source files
    for every frame, which costs milliseconds per object on large repositories."""
    frame = sys._getframe(1)
    first = None
    key = (_roots, _roots_cwd or os.getcwd())
    files = _files if key == _files_key else None
    while frame is not None:
        code = frame.f_code
        found = files.get(code.co_filename) if files is not None else None
        if found is None:
            found = _classify(code.co_filename)
            files = _files
        shown, in_roots = found
        if shown is not None:
            if in_roots and code.co_name == "<module>":
                return Source(shown, frame.f_lineno)
            first = first or Source(shown, frame.f_lineno)
            if not _roots:
                return first
        frame = frame.f_back
    return first or UNKNOWN
