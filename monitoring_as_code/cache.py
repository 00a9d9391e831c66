"""Skip a compile whose inputs and outputs have not changed since the last one.

The digest covers every file the compile reads (the definitions, stack.py, pyproject.toml,
mac's own code and data) and the Python version; the output is fingerprinted by size and
modification time of every file, so an edited or deleted file in build/ is noticed too.
The state lives in <src>/.mac-cache/ (not in build/, which must hold only compiled output)."""
from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """mac's own code and data, and the Python running it."""
    digest = hashlib.sha256(sys.version.encode())
    for path in _files(_PACKAGE):
        digest.update(os.path.relpath(path, _PACKAGE).encode() + b"\0")
        with open(path, "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def input_digest(src: str) -> str:
    digest = hashlib.sha256(code_digest().encode())
    paths = []
    for name in _SOURCES:
        paths.extend(_files(os.path.join(src, name)))
    paths += [os.path.join(src, n) for n in sorted(os.listdir(src))
              if n.endswith((".py", ".toml")) and os.path.isfile(os.path.join(src, n))]
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


def _state_path(src: str, out: str, kind: str = "compile") -> str:
    key = hashlib.sha256(os.path.abspath(out).encode()).hexdigest()[:16]
    return os.path.join(src, CACHE_DIR, f"{kind}-{key}.json")


def _output_digest(out: str) -> str:
    """A digest of output_fingerprint: the state file stays small however large build/ is."""
    return hashlib.sha256(json.dumps(sorted(output_fingerprint(out).items())).encode()).hexdigest()


class _Broken(Exception):
    pass


def _load(path: str) -> Optional[dict]:
    """The JSON object in path; None when there is none; _Broken when the file is there but is
    not what mac writes (truncated, edited, not a file)."""
    if not os.path.lexists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise _Broken(path) from exc
    if not isinstance(data, dict):
        raise _Broken(path)
    return data


class State:
    """What the last compile of src into out recorded, read once."""

    def __init__(self, src: str, out: str) -> None:
        self.src, self.out = src, out
        self.broken = ""  # the path of a cache file that could not be read: ignored
        try:
            self.recorded = _load(_state_path(src, out)) or {}
            if not all(isinstance(self.recorded.get(k, ""), str) for k in ("input", "output")):
                raise _Broken(_state_path(src, out))
        except _Broken as exc:
            self.broken, self.recorded = str(exc), {}
        self._output: Optional[str] = None
        self._outputs_file: Optional[dict] = None

    def _out_unchanged(self) -> bool:
        """out is as the last compile left it (fingerprint computed once)."""
        if not self.recorded or not os.path.isdir(self.out):
            return False
        if self._output is None:
            self._output = _output_digest(self.out)
        return self.recorded.get("output") == self._output

    def fresh(self, digest: str) -> bool:
        return self.recorded.get("input") == digest and self._out_unchanged()

    def _manifest(self) -> dict:
        if not self._out_unchanged():
            return {}
        if self._outputs_file is None:  # megabytes on a large tree: read once
            try:
                manifest = _load(_state_path(self.src, self.out, "outputs")) or {}
            except _Broken as exc:
                self.broken, manifest = str(exc), {}
            if not (isinstance(manifest.get("files", {}), dict) and isinstance(manifest.get("tests", {}), dict)
                    and all(isinstance(v, str) for v in manifest.get("files", {}).values())
                    and all(isinstance(t, dict) and all(isinstance(v, str) for v in t.values())
                            for t in manifest.get("tests", {}).values())):
                manifest = {}
            self._outputs_file = manifest
        manifest = self._outputs_file
        return manifest if manifest.get("output") == self._output else {}

    def outputs(self) -> Optional[Dict[str, str]]:
        """{path: sha256} of every file in out, when out is as the last compile left it."""
        return self._manifest().get("files")

    def tests(self) -> Dict[str, Dict[str, str]]:
        """{key: {path: sha256}}: the promtool files each alert's inputs gave (collect.py)."""
        return self._manifest().get("tests", {})


def record(src: str, out: str, digest: str, outputs: Optional[Dict[str, str]] = None,
           tests: Optional[Dict[str, Dict[str, str]]] = None) -> None:
    """After a compile: the input digest and out's fingerprint; and out's {path: sha256},
    so the next compile can link what did not change (write.Staging), with the alert test
    files each alert's inputs gave (testing/collect.py)."""
    path = _state_path(src, out)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    output = _output_digest(out)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"input": digest, "output": output}, f)
    manifest = _state_path(src, out, "outputs")
    if outputs is None:
        if os.path.exists(manifest):
            os.remove(manifest)
        return
    with open(manifest, "w", encoding="utf-8") as f:
        json.dump({"output": output, "files": dict(sorted(outputs.items())), "tests": dict(sorted((tests or {}).items()))}, f)
