"""Reading Grafana dashboard files: classic JSON as exported, the API's wrapped form
({"dashboard": …, "meta": …}), Grafana 12's resource form (apiVersion, kind, spec) and
Grafana 13's v2 resources (read back as the classic model by v2.py)."""
from __future__ import annotations

import json
import os
from typing import Iterator, List, Tuple

from . import ImportProblem, v2


def dashboard_files(paths) -> List[str]:
    """The files named and, for folders, every file inside them (sorted; the corpus has
    dashboards without a .json extension, so every regular file counts)."""
    out = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                out.extend(os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
        else:
            out.append(path)
    return out


def read(path: str) -> dict:
    """The classic dashboard model in a file, unwrapped. Raises ImportProblem."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblem(path, "", f"cannot read it: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportProblem(path, f"line {exc.lineno} column {exc.colno}", f"not JSON: {exc.msg}") from None
    return unwrap(path, data)


def unwrap(path: str, data) -> dict:
    if not isinstance(data, dict):
        raise ImportProblem(path, "$", f"a dashboard is a JSON object, this is {type(data).__name__}")
    if "dashboard" in data and isinstance(data["dashboard"], dict) and "panels" not in data:
        return unwrap(path, data["dashboard"])  # GET /api/dashboards/uid/… : {"dashboard", "meta"}
    if data.get("kind") == "Dashboard" and "spec" in data:
        api = str(data.get("apiVersion", ""))
        if not api.startswith("dashboard.grafana.app/"):
            raise ImportProblem(path, "$.apiVersion", f"{api!r} is not a Grafana dashboard resource")
        name = (data.get("metadata") or {}).get("name")
        if v2.is_v2(api):
            if "/v2alpha" in api:
                raise ImportProblem(path, "$.apiVersion", f"{api}: the v2alpha1 preview is not read; "
                                    "export the dashboard from Grafana 12.4 or later (v2beta1, v2) or as classic JSON")
            if not name:
                raise ImportProblem(path, "$.metadata.name", "a v2 dashboard needs its name (the uid)")
            return v2.to_classic(path, data["spec"], name)
        spec = data["spec"]
        if not isinstance(spec, dict):
            raise ImportProblem(path, "$.spec", "not an object")
        spec = dict(spec)
        if name and not spec.get("uid"):
            spec["uid"] = name
        return spec
    if "elements" in data and "layout" in data and "panels" not in data:
        raise ImportProblem(path, "$", "a v2 dashboard spec without its resource envelope (apiVersion, kind, "
                            "metadata.name): export it as a V2 resource")
    if "panels" not in data and "rows" not in data and "schemaVersion" not in data:
        raise ImportProblem(path, "$", "not a Grafana dashboard (no panels, rows or schemaVersion)")
    return data


def each(paths) -> Iterator[Tuple[str, dict]]:
    for path in dashboard_files(paths):
        yield path, read(path)
