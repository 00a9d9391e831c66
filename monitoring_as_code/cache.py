"""Skip a compile whose inputs and outputs have not changed since the last one.

The digest covers every file the compile reads (the definitions, stack.py, pyproject.toml,
mac's own code and data) and the Python version; the output is fingerprinted by size and
modification time of every file, so an edited or deleted file in build/ is noticed too.
The state lives in <src>/.mac-cache/ (not in build/, which must hold only compiled output)."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Dict, Optional

CACHE_DIR = ".mac-cache"
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_SOURCES = ("alerts", "dashboards")
_SUFFIXES = (".py", ".json", ".toml")


def _files(root: str):
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(_SUFFIXES):
                yield os.path.join(folder, name)


def input_digest(src: str) -> str:
    digest = hashlib.sha256(sys.version.encode())
    paths = []
    for name in _SOURCES:
        paths.extend(_files(os.path.join(src, name)))
    paths += [os.path.join(src, n) for n in sorted(os.listdir(src))
              if n.endswith((".py", ".toml")) and os.path.isfile(os.path.join(src, n))]
    paths += list(_files(_PACKAGE))
    for path in paths:
        digest.update(path.encode() + b"\0")
        with open(path, "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def output_fingerprint(out: str) -> Dict[str, list]:
    """{relative path: [size, mtime_ns]} for every file under out (scandir: a stat each,
    no path arithmetic, since large trees hold tens of thousands of files)."""
    found = {}
    stack = [("", out)]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((prefix + entry.name + "/", entry.path))
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = [st.st_size, st.st_mtime_ns]
    return found


def _state_path(src: str, out: str) -> str:
    key = hashlib.sha256(os.path.abspath(out).encode()).hexdigest()[:16]
    return os.path.join(src, CACHE_DIR, f"compile-{key}.json")


def _output_digest(out: str) -> str:
    """A digest of output_fingerprint: the state file stays small however large build/ is."""
    return hashlib.sha256(json.dumps(sorted(output_fingerprint(out).items())).encode()).hexdigest()


def is_fresh(src: str, out: str, digest: Optional[str] = None) -> bool:
    try:
        with open(_state_path(src, out), encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError):
        return False
    return (state.get("input") == (digest or input_digest(src)) and os.path.isdir(out)
            and state.get("output") == _output_digest(out))


def record(src: str, out: str, digest: str) -> None:
    path = _state_path(src, out)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"input": digest, "output": _output_digest(out)}, f)
