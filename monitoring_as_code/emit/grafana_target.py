"""The form a dashboard is written in for the Grafana it is for ([tool.mac] grafana):

- "11": the classic JSON model (emit/grafana.py), what file provisioning reads;
- "12": that model as the `spec` of a `dashboard.grafana.app/v1beta1` resource;
- "13": the v2 schema (emit/grafana_v2.py) in a `dashboard.grafana.app/v2` resource.

A resource is named by the dashboard's uid and carries its folder's uid in the
`grafana.app/folder` annotation (what the resource API and Grafana's file provisioning
read; the latter wants it equal to the provider's folderUid) and a managed-by label, so a
later deploy can tell what mac owns."""
from __future__ import annotations

from . import grafana_v2
from .folders import MANAGED_BY, default_folder_uid

VERSIONS = ("11", "12", "13")
API_VERSION = {"12": "dashboard.grafana.app/v1beta1", "13": "dashboard.grafana.app/v2"}


def datasources(stack) -> grafana_v2.Datasources:
    """What a running Grafana would answer about datasources: the one mac provisions."""
    if stack is None:
        return grafana_v2.Datasources()
    return grafana_v2.Datasources({stack.grafana.datasource_uid: "prometheus"})


def form(version: str, classic: dict, folder) -> dict:
    """The dashboard as written for Grafana `version`; folder: its folder uid or None."""
    if version not in API_VERSION:
        return classic
    metadata = {"name": classic["uid"], "labels": dict(MANAGED_BY)}
    if folder:
        metadata["annotations"] = {"grafana.app/folder": folder}
    return {"apiVersion": API_VERSION[version], "kind": "Dashboard", "metadata": metadata, "spec": classic}


def shared(stack) -> dict:
    """What the form of a dashboard needs of the stack, for workers that do not load it
    (parallel.py puts it in their definitions' cache)."""
    return {"default_folder": default_folder_uid(stack), "datasources": datasources(stack)}


def _stack_facts(defs) -> None:
    if "default_folder" not in defs.cache:
        defs.cache.update(shared(defs.stack))


def v2_spec(defs, dashboard, classic: dict) -> dict:
    """The v2 form, converted once per compile (lint checks it before emit writes it)."""
    _stack_facts(defs)
    cache = defs.cache.setdefault("grafana_v2", {})
    if id(dashboard) not in cache:
        cache[id(dashboard)] = grafana_v2.convert(classic, defs.cache["datasources"])
    return cache[id(dashboard)]


def dashboard_form(defs, dashboard, classic: dict) -> dict:
    _stack_facts(defs)
    folder = dashboard.folder.uid if dashboard.folder is not None else defs.cache["default_folder"]
    out = form(defs.grafana, classic, folder)
    if defs.grafana == "13":
        out["spec"] = v2_spec(defs, dashboard, classic)
    return out
