"""Reading Grafana dashboard files: classic JSON as exported, the API's wrapped form
({"dashboard": …, "meta": …}) and Grafana 12's resource form (apiVersion, kind, spec)."""
from __future__ import annotations

import json
import os
from typing import Iterator, List, Tuple

from . import ImportProblem


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
        if api.endswith("/v2") or "/v2alpha" in api or "/v2beta" in api:
            raise ImportProblem(path, "$.apiVersion", f"{api}: the v2 schema cannot be imported yet; "
                                "export the dashboard in the classic JSON model")
        spec = data["spec"]
        if not isinstance(spec, dict):
            raise ImportProblem(path, "$.spec", "not an object")
        spec = dict(spec)
        name = (data.get("metadata") or {}).get("name")
        if name and not spec.get("uid"):
            spec["uid"] = name
        return spec
    if "panels" not in data and "rows" not in data and "schemaVersion" not in data:
        raise ImportProblem(path, "$", "not a Grafana dashboard (no panels, rows or schemaVersion)")
    return data


def each(paths) -> Iterator[Tuple[str, dict]]:
    for path in dashboard_files(paths):
        yield path, read(path)
