"""`mac deploy --apply`: check, swap per service (keeping the files it replaces), reload,
verify; on any failure put every replaced file back, reload again, verify the old state and
report what failed."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from . import services
from .layout import SERVICES, place, rooted
from .plan import Plan, digest, manifest_path, read, read_manifest


@dataclass
class Outcome:
    ok: bool
    done: List[str] = field(default_factory=list)  # what happened, in order, for the report
    failure: str = ""
    rolled_back: bool = False
    rollback_failure: str = ""


def _write(path: str, data: bytes) -> None:
    """Atomically: a temporary file beside it, renamed over it (the old mode kept)."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
    fd, tmp = tempfile.mkstemp(prefix=".mac-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _put(previous: Dict[str, Optional[bytes]]) -> None:
    for path, data in previous.items():
        if data is None:
            if os.path.exists(path):
                os.remove(path)
        else:
            _write(path, data)


def _as_build(host, grafana, root, files_by_path: Dict[str, Optional[bytes]], build: Dict[str, bytes]) -> Dict[str, bytes]:
    """The files a service would verify against, in build/'s names, from what is on the host."""
    out = {}
    for rel in build:
        placed, _ = place(rel, host, grafana, root)
        if placed is not None:
            data = files_by_path.get(placed.path, read(placed.path))
            if data is not None:
                out[rel] = data
    return out


def apply(plan: Plan, files: Dict[str, bytes], host, grafana, root: str = "",
          check: Callable[[], List[str]] = lambda: [], say: Callable[[str], None] = lambda s: None) -> Outcome:
    """files: build/'s files. check(): the consumers' complaints about them (empty: accepted)."""
    out = Outcome(ok=False)
    if plan.refused:
        out.failure = "refused: " + "; ".join(f"{a.path} {a.why}" for a in plan.refused)
        return out
    if not plan.todo:
        out.ok = True
        return out
    problems = check()
    if problems:
        out.failure = "the new configuration is rejected: " + "; ".join(problems)
        return out
    previous: Dict[str, Dict[str, Optional[bytes]]] = {}
    changed: List[str] = []
    try:
        for service in SERVICES:
            mine = [a for a in plan.actions if a.service == service]
            if not mine:
                continue
            previous[service] = {a.path: read(a.path) for a in mine}
            _keep(host, root, service, previous[service])
            changed.append(service)
            for a in mine:
                if a.kind == "delete":
                    os.remove(a.path)
                else:
                    _write(a.path, files[a.rel])
                say(f"{service}: {a.kind} {a.path}")
            services.reload(service, host)
            say(f"{service}: reloaded ({plan.reloads.get(service, '')})")
            services.verify(service, host, files)
            say(f"{service}: verified")
    except (services.Failed, OSError) as exc:
        out.failure = str(exc) if isinstance(exc, services.Failed) else f"{exc.filename or ''}: {exc.strerror or exc}"
        _rollback(out, previous, changed, files, host, grafana, root, say)
        return out
    _record(host, root, plan, files)
    out.ok = True
    return out


def _rollback(out: Outcome, previous, changed, files, host, grafana, root, say) -> None:
    out.rolled_back = True
    for service in reversed(changed):
        try:
            _put(previous[service])
            if all(data is None for data in previous[service].values()):
                # Nothing was there before: no earlier configuration to reload into.
                say(f"{service}: its new files removed (there were none before); it runs what it loaded "
                    "last until it is reloaded or restarted")
                continue
            say(f"{service}: previous files restored")
            services.reload(service, host)
            old = _as_build(host, grafana, root, previous[service], files)
            services.verify(service, host, old)
            say(f"{service}: previous configuration reloaded and verified")
        except (services.Failed, OSError) as exc:
            out.rollback_failure += f"{service}: {exc}; "


def _keep(host, root: str, service: str, files: Dict[str, Optional[bytes]]) -> None:
    """The files about to be replaced, under <state_dir>/previous/<service>/ (a copy for a person)."""
    folder = os.path.join(rooted(root, host.state_dir), "previous", service)
    shutil.rmtree(folder, ignore_errors=True)
    for path, data in files.items():
        if data is not None:
            _write(os.path.join(folder, path.lstrip("/")), data)


def _record(host, root: str, plan: Plan, files: Dict[str, bytes]) -> None:
    """The manifest: every file mac has deployed, with its content's hash."""
    manifest = read_manifest(host, root)
    for a in plan.actions:
        if a.kind == "delete":
            manifest.pop(a.path, None)
        else:
            manifest[a.path] = digest(files[a.rel])
    _write(manifest_path(host, root), (json.dumps({"files": dict(sorted(manifest.items()))}, indent=2) + "\n").encode())
