"""Where each file of build/ goes on a host, by service, and which files stay behind."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

SERVICES = ("prometheus", "alertmanager", "nginx", "grafana")  # the order changes are applied in

# build/ files that are not deployed, and why (said once in the plan).
NOT_DEPLOYED = (
    ("prometheus/tests/", "alert tests: run by `mac test`, not by Prometheus"),
    ("sentry/", "the application's Sentry settings: shipped with the application"),
    ("grafana/grafana.ini", "settings to merge into Grafana's own grafana.ini"),
    ("README.md", "build/'s index"),
)


@dataclass(frozen=True)
class Placed:
    rel: str  # path in build/
    service: str
    path: str  # absolute path on the host, --root included


def rooted(root: str, path: str) -> str:
    return os.path.normpath(os.path.join(root, path.lstrip("/"))) if root else os.path.normpath(path)


def folders(host, grafana, root: str) -> Dict[str, List[str]]:
    """The folders mac deploys into, by service: the only places --prune looks."""
    am_dir = os.path.dirname(host.alertmanager_config)
    return {
        "prometheus": [rooted(root, host.prometheus_dir)],
        "alertmanager": [rooted(root, am_dir), rooted(root, os.path.join(am_dir, "templates"))],
        "nginx": [rooted(root, host.nginx_snippets)],
        "grafana": [rooted(root, os.path.join(host.grafana_provisioning, sub))
                    for sub in ("dashboards", "datasources", "alerting")]
                   + [rooted(root, grafana.dashboards_path), rooted(root, grafana.folders_path)],
    }


def place(rel: str, host, grafana, root: str) -> Tuple[Optional[Placed], str]:
    """(where `rel` goes, "") or (None, why it is not deployed)."""
    for prefix, why in NOT_DEPLOYED:
        if rel == prefix or rel.startswith(prefix):
            return None, why
    parts = rel.split("/")
    am_dir = os.path.dirname(host.alertmanager_config)
    if parts[0] == "prometheus" and len(parts) == 2:
        return Placed(rel, "prometheus", rooted(root, os.path.join(host.prometheus_dir, parts[1]))), ""
    if rel == "alertmanager/alertmanager.yml":
        return Placed(rel, "alertmanager", rooted(root, host.alertmanager_config)), ""
    if parts[:2] == ["alertmanager", "templates"] and len(parts) == 3:
        return Placed(rel, "alertmanager", rooted(root, os.path.join(am_dir, "templates", parts[2]))), ""
    if parts[0] == "nginx" and len(parts) == 2:
        return Placed(rel, "nginx", rooted(root, os.path.join(host.nginx_snippets, parts[1]))), ""
    if parts[:2] == ["grafana", "provisioning"] and len(parts) == 4:
        return Placed(rel, "grafana", rooted(root, os.path.join(host.grafana_provisioning, parts[2], parts[3]))), ""
    if parts[:2] == ["grafana", "dashboards"] and len(parts) == 3:
        return Placed(rel, "grafana", rooted(root, os.path.join(grafana.dashboards_path, parts[2]))), ""
    if parts[:2] == ["grafana", "folders"] and len(parts) == 4:
        return Placed(rel, "grafana", rooted(root, os.path.join(grafana.folders_path, parts[2], parts[3]))), ""
    if parts[:2] == ["grafana", "folders"] and len(parts) == 3:
        return None, "a folder resource (Grafana 12/13): applied through Grafana's API, not a file Grafana reads"
    return None, "no service reads it from a file"
