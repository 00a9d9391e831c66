"""build/kubernetes/ (with `--target kubernetes` or [tool.mac] targets = ["kubernetes"]): the
same rules and dashboards as resources for the operators teams run beyond one host.

- prometheus-rules/<group>.yaml: one PrometheusRule (monitoring.coreos.com/v1) per rule
  group, labelled with stack.py's Kubernetes(rule_labels=…) for prometheus-operator's
  ruleSelector. A PrometheusRule over 512 KiB is refused, naming its group (the operator puts
  rules into ConfigMaps, which Kubernetes caps at 1 MiB).
- grafana-dashboards/<uid>.yaml and grafana-folders/<uid>.yaml: GrafanaDashboard and
  GrafanaFolder (grafana.integreatly.org/v1beta1) for grafana-operator, matched to Grafana
  instances by instance_selector; the dashboard JSON is the classic model.
- dashboard-configmaps/<uid>.yaml: the same dashboards as ConfigMaps with the label
  kube-prometheus' Grafana sidecar watches (sidecar_label), for clusters without the operator.
- grafana-alerting/: a GrafanaAlertRuleGroup per rule group and the GrafanaContactPoint, when
  alerts are Grafana-managed (the same rules as provisioning/alerting/rules.yml, without the
  `$$` escaping file provisioning needs: the operator sends them through Grafana's API).
- kustomization.yaml lists them all: `kubectl apply -k build/kubernetes`.

Every metadata.name is a DNS-1123 subdomain made from the group name or uid; two that would
collide get a hash suffix."""
from __future__ import annotations

import hashlib
import json
import re
from typing import Dict, List, Tuple

from .yamlout import dump

RULE_LIMIT = 512 * 1024  # bytes of one PrometheusRule
CONFIGMAP_LIMIT = 1024 * 1024  # Kubernetes' limit on a ConfigMap's data
_NOT_LABEL = re.compile(r"[^a-z0-9-]+")


class TooLarge(ValueError):
    """A resource over an operator's limit, refused at the definition it comes from."""

    help = "the operators keep each resource in a ConfigMap or an etcd object, which Kubernetes caps at 1 MiB"

    def __init__(self, message: str, source=None) -> None:
        super().__init__(message)
        self.source = source


def k8s_name(text: str, prefix: str = "mac-") -> str:
    """A DNS-1123 subdomain: dot-separated labels of lowercase letters, digits and '-', each
    starting and ending with a letter or digit, at most 253 characters in all. A name that had
    to change gets a hash of the original, so two texts do not meet in one name."""
    wanted = text if text.startswith(prefix) else prefix + text
    labels = [re.sub(r"-{2,}", "-", _NOT_LABEL.sub("-", part.lower())).strip("-") for part in wanted.split(".")]
    name = ".".join(label for label in labels if label)
    if name != wanted or len(name) > 253:
        digest = hashlib.sha256(text.encode()).hexdigest()[:8]
        name = f"{name[:240].rstrip('-.')}-{digest}" if name else f"{prefix.strip('-.') or 'x'}-{digest}"
    return name


def _unique(keys: List[str], prefix: str) -> Dict[str, str]:
    out: Dict[str, str] = {}
    taken = set()
    for key in keys:
        name = k8s_name(key, prefix)
        if name in taken:
            name = f"{name[:240].rstrip('-.')}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        taken.add(name)
        out[key] = name
    return out


def _meta(name: str, k8s, labels=None, annotations=None) -> dict:
    meta = {"name": name, "namespace": k8s.namespace}
    all_labels = {**dict(k8s.labels), **(labels or {})}
    if all_labels:
        meta["labels"] = dict(sorted(all_labels.items()))
    if annotations:
        meta["annotations"] = annotations
    return meta


def _classic_dashboards(files: Dict[str, bytes]) -> List[Tuple[dict, str]]:
    """(classic dashboard JSON, folder uid or "") from the compiled Grafana files."""
    out = []
    for path in sorted(files):
        parts = path.split("/")
        folder = ""
        if parts[:2] == ["grafana", "dashboards"] and len(parts) == 3 and path.endswith(".json"):
            pass
        elif parts[:2] == ["grafana", "folders"] and len(parts) == 4 and path.endswith(".json"):
            folder = parts[2]
        else:
            continue
        data = json.loads(files[path])
        if "apiVersion" in data:
            if not str(data["apiVersion"]).endswith(("/v1beta1", "/v0alpha1")):
                raise ValueError(f"{path}: grafana-operator's GrafanaDashboard takes the classic dashboard model; "
                                 f"with grafana = \"13\" (the v2 schema) use grafana = \"11\" or \"12\" for the Kubernetes target")
            data = data["spec"]
        out.append((data, folder))
    return out


def emit(defs, files=None) -> Dict[str, bytes]:
    if "kubernetes" not in getattr(defs, "targets", ()) or defs.stack is None:
        return {}
    from .folders import title_uid
    from .grafana_alerting import managed, rules_data
    from .prometheus_rules import group_data

    k8s = defs.stack.kubernetes
    files = files or {}
    out: Dict[str, bytes] = {}
    resources: List[str] = []

    names = _unique([g.name for g in defs.groups], "mac-")
    for group in defs.groups:
        name = names[group.name]
        resource = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                    "metadata": _meta(name, k8s, dict(k8s.rule_labels)), "spec": {"groups": [group_data(group)]}}
        data = dump(resource, "alerts/*.py")
        if len(data) > RULE_LIMIT:
            raise TooLarge(f"rule group {group.name}: its PrometheusRule is {len(data):,} bytes, over the "
                           f"{RULE_LIMIT // 1024} KiB prometheus-operator accepts; split the group",
                           getattr(group, "source", None))
        rel = f"kubernetes/prometheus-rules/{name}.yaml"
        out[rel] = data
        resources.append(rel)

    dashboards = _classic_dashboards(files)
    default_folder = title_uid(defs.stack.grafana.folder)
    folder_objects = {f.uid: f for d in defs.dashboards for f in (d.folder.chain() if getattr(d, "folder", None) else ())}
    folder_names = _unique([default_folder, *sorted(folder_objects)], "mac-folder-")
    selector = {"matchLabels": dict(sorted(k8s.instance_selector.items()))}
    for uid in [default_folder, *sorted(folder_objects)]:
        f = folder_objects.get(uid)
        spec = {"instanceSelector": selector, "title": f.title if f is not None else defs.stack.grafana.folder, "uid": uid}
        if f is not None and f.parent is not None:
            spec["parentFolderRef"] = folder_names[f.parent.uid]
        rel = f"kubernetes/grafana-folders/{folder_names[uid]}.yaml"
        out[rel] = dump({"apiVersion": "grafana.integreatly.org/v1beta1", "kind": "GrafanaFolder",
                         "metadata": _meta(folder_names[uid], k8s), "spec": spec}, "dashboards/*.py")
        resources.append(rel)
    dash_names = _unique([d["uid"] for d, _ in dashboards], "mac-")
    key, value = k8s.sidecar_label
    for data, folder in dashboards:
        name = dash_names[data["uid"]]
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
        rel = f"kubernetes/grafana-dashboards/{name}.yaml"
        out[rel] = dump({"apiVersion": "grafana.integreatly.org/v1beta1", "kind": "GrafanaDashboard",
                         "metadata": _meta(name, k8s),
                         "spec": {"instanceSelector": selector, "folderRef": folder_names[folder or default_folder],
                                  "uid": data["uid"], "json": text}}, "dashboards/*.py")
        resources.append(rel)
        folder_title = folder_objects[folder].title if folder else defs.stack.grafana.folder
        configmap = {"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": _meta(name, k8s, {key: value}, {k8s.sidecar_folder_annotation: folder_title}),
                     "data": {f"{data['uid']}.json": text}}
        if len(text.encode()) > CONFIGMAP_LIMIT:
            source = next((d.source for d in defs.dashboards if d.uid == data["uid"]), None)
            raise TooLarge(f"dashboard {data['uid']}: {len(text.encode()):,} bytes of JSON, over a ConfigMap's 1 MiB", source)
        rel = f"kubernetes/dashboard-configmaps/{name}.yaml"
        out[rel] = dump(configmap, "dashboards/*.py")
        resources.append(rel)

    if managed(defs):
        groups = rules_data(defs, literal=lambda s: s)["groups"]
        group_names = _unique([g["name"] for g in groups], "mac-")
        for group in groups:
            rules = []
            for rule in group["rules"]:
                rule = dict(rule)
                settings = rule.pop("notification_settings", None)
                if settings:
                    rule["notificationSettings"] = settings
                rules.append(rule)
            name = group_names[group["name"]]
            rel = f"kubernetes/grafana-alerting/{name}.yaml"
            out[rel] = dump({"apiVersion": "grafana.integreatly.org/v1beta1", "kind": "GrafanaAlertRuleGroup",
                             "metadata": _meta(name, k8s),
                             "spec": {"instanceSelector": selector, "name": group["name"],
                                      "folderRef": folder_names[default_folder], "interval": group["interval"],
                                      "rules": rules}}, "alerts/*.py")
            resources.append(rel)
        email = defs.stack.alertmanager.email
        if email is not None:
            from .grafana_provisioning import contact_point_data

            point = contact_point_data(email)["contactPoints"][0]
            rel = "kubernetes/grafana-alerting/contact-point.yaml"
            out[rel] = dump({"apiVersion": "grafana.integreatly.org/v1beta1", "kind": "GrafanaContactPoint",
                             "metadata": _meta(k8s_name(point["name"]), k8s),
                             "spec": {"instanceSelector": selector, "name": point["name"],
                                      "receivers": point["receivers"]}}, "stack.py")
            resources.append(rel)

    out["kubernetes/kustomization.yaml"] = dump(
        {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
         "resources": [r[len("kubernetes/"):] for r in sorted(resources)]}, "alerts/*.py, dashboards/*.py and stack.py")
    return out
