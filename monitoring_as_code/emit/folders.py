"""Where each dashboard lands: its Grafana folder, the file it is written to, and the
folders as Grafana resources (folder.grafana.app, for grafana = "12" and "13").

A dashboard without `folder=` goes to the stack's default folder and to
grafana/dashboards/<uid>.json, as always. A dashboard with `folder=F` goes to
grafana/folders/<F.uid>/<uid>.json: Grafana's file provider reads its path recursively
into one folder, so each folder has its own directory and provider."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

from ..model.folder import Folder, slug

RESOURCE_VERSION = {"12": "folder.grafana.app/v1beta1", "13": "folder.grafana.app/v1"}
MANAGED_BY = {"app.kubernetes.io/managed-by": "mac"}


def title_uid(title: str) -> str:
    """The uid mac gives the stack's default folder, from its title."""
    return slug(title) or "mac"


def default_folder_uid(stack) -> Optional[str]:
    """The uid of the stack's default folder (Grafana(folder=...)), None without a stack."""
    if stack is None:
        return None
    return title_uid(stack.grafana.folder)


def dashboard_file(dashboard) -> str:
    if dashboard.folder is None:
        return f"grafana/dashboards/{dashboard.uid}.json"
    return f"grafana/folders/{dashboard.folder.uid}/{dashboard.uid}.json"


def folder_uid(dashboard, stack) -> Optional[str]:
    return dashboard.folder.uid if dashboard.folder is not None else default_folder_uid(stack)


def collect(dashboards) -> Tuple[Dict[str, Folder], Dict[str, Folder]]:
    """(the folders dashboards name, those with their parents), by uid, sorted."""
    direct, everything = {}, {}
    for dashboard in dashboards:
        folder = getattr(dashboard, "folder", None)
        if isinstance(folder, Folder):
            direct.setdefault(folder.uid, folder)
            for f in folder.chain():
                everything.setdefault(f.uid, f)
    return dict(sorted(direct.items())), dict(sorted(everything.items()))


def _collected(defs):
    """In a parallel compile the dashboards stay in the workers: parallel.py leaves their
    folders in the cache."""
    found = defs.cache.get("folders")
    return found if found is not None else collect(defs.dashboards)


def dashboard_folders(defs) -> Dict[str, Folder]:
    """The folders that hold dashboards: each gets a file provider."""
    return _collected(defs)[0]


def all_folders(defs) -> Dict[str, Folder]:
    """Every folder a dashboard names, with its parents: each is a resource."""
    return _collected(defs)[1]


def folder_resource(folder: Folder, version: str) -> dict:
    metadata = {"name": folder.uid, "labels": dict(MANAGED_BY)}
    if folder.parent is not None:
        metadata["annotations"] = {"grafana.app/folder": folder.parent.uid}
    spec = {"title": folder.title}
    if folder.description:
        spec["description"] = folder.description
    return {"apiVersion": RESOURCE_VERSION[version], "kind": "Folder", "metadata": metadata, "spec": spec}


def emit(defs) -> Dict[str, bytes]:
    """grafana/folders/<uid>.json: each folder as a resource, for Grafana 12 and 13."""
    from .grafana import render

    if defs.grafana not in RESOURCE_VERSION:
        return {}
    return {f"grafana/folders/{uid}.json": render(folder_resource(folder, defs.grafana))
            for uid, folder in all_folders(defs).items()}
