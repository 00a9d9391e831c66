"""build/kubernetes/: every resource valid against the CRD it is an instance of (the vendored
schemas in ../shared/reference/kubernetes), names Kubernetes accepts, the operators' size
limits, and the rules back unchanged through `mac import rules`."""
import json
import re

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, bundled_tree, run_mac

CRDS = ROOT.parent / "shared" / "reference" / "kubernetes"
NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")  # DNS-1123 subdomain
PYPROJECT = '[tool.mac]\ntargets = ["kubernetes"]\ngrafana_alerting = true\n'


def validators():
    if not CRDS.is_dir():
        pytest.skip("../shared/reference/kubernetes is not here")
    out = {}
    for path in CRDS.glob("*.yaml"):
        crd = yaml.safe_load(path.read_text())
        for version in crd["spec"]["versions"]:
            key = (f"{crd['spec']['group']}/{version['name']}", crd["spec"]["names"]["kind"])
            out[key] = jsonschema.Draft7Validator(version["schema"]["openAPIV3Schema"])
    return out


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    tree = bundled_tree(tmp_path_factory.mktemp("k8s"), PYPROJECT)
    run = run_mac("compile", cwd=tree)
    assert run.returncode == 0, run.stderr
    return tree


def pruned(value, schema, path="$"):
    """Fields an API server would silently drop: keys its structural schema does not declare
    (where it does not say x-kubernetes-preserve-unknown-fields)."""
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(value, dict):
        props, extra = schema.get("properties"), schema.get("additionalProperties")
        for key, item in value.items():
            if props is not None and key in props:
                yield from pruned(item, props[key], f"{path}.{key}")
            elif isinstance(extra, dict):
                yield from pruned(item, extra, f"{path}.{key}")
            elif props is not None:
                yield f"{path}.{key}"
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            yield from pruned(item, schema["items"], f"{path}[{i}]")


def resources(tree):
    for path in sorted((tree / "build" / "kubernetes").rglob("*.yaml")):
        if path.name != "kustomization.yaml":
            yield path, yaml.safe_load(path.read_text())


def test_every_resource_validates_against_its_crd(compiled):
    schemas = validators()
    kinds = {}
    for path, resource in resources(compiled):
        kinds[resource["kind"]] = kinds.get(resource["kind"], 0) + 1
        meta = resource["metadata"]
        assert NAME.match(meta["name"]) and len(meta["name"]) <= 253, path
        assert meta["namespace"] == "monitoring"
        if resource["kind"] == "ConfigMap":
            assert meta["labels"]["grafana_dashboard"] == "1" and meta["annotations"]["grafana_folder"] == "mac"
            assert sum(len(v.encode()) for v in resource["data"].values()) < 1024 * 1024
            continue
        validator = schemas[(resource["apiVersion"], resource["kind"])]
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(resource)]
        assert errors == [], path
        assert list(pruned({k: v for k, v in resource.items() if k not in ("apiVersion", "kind", "metadata")},
                           validator.schema)) == [], path
        spec = resource["spec"]
        # the CRDs' CEL rules a plain JSON Schema validator does not run
        if resource["kind"] in ("GrafanaDashboard", "GrafanaAlertRuleGroup"):
            assert ("folderRef" in spec) != ("folderUID" in spec), path
            assert not ("folder" in spec and ("folderRef" in spec or "folderUID" in spec)), path
    assert kinds == {"PrometheusRule": 7, "GrafanaFolder": 1, "GrafanaDashboard": 6, "ConfigMap": 6,
                     "GrafanaAlertRuleGroup": 7, "GrafanaContactPoint": 1}
    listed = yaml.safe_load((compiled / "build" / "kubernetes" / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(str(p.relative_to(compiled / "build" / "kubernetes")) for p, _ in resources(compiled))


def test_dashboards_and_rules_are_the_compiled_ones(compiled):
    build = compiled / "build"
    for path, resource in resources(compiled):
        if resource["kind"] == "GrafanaDashboard":
            uid = resource["spec"]["uid"]
            assert json.loads(resource["spec"]["json"]) == json.loads((build / "grafana" / "dashboards" / f"{uid}.json").read_text())
    groups = yaml.safe_load((build / "prometheus" / "alert_rules.yml").read_text())["groups"]
    in_resources = [g for _, r in resources(compiled) if r["kind"] == "PrometheusRule" for g in r["spec"]["groups"]]
    assert sorted(in_resources, key=lambda g: g["name"]) == sorted(groups, key=lambda g: g["name"])
    # Grafana-managed rules: the provisioning file's, without the `$$` file provisioning
    # needs (the operator sends them through Grafana's API, which does not expand $NAME).
    provisioned = yaml.safe_load((build / "grafana" / "provisioning" / "alerting" / "rules.yml").read_text()
                                 .replace("$$", "$"))["groups"]
    as_resources = [r["spec"] for _, r in resources(compiled) if r["kind"] == "GrafanaAlertRuleGroup"]
    for group in provisioned:
        for rule in group["rules"]:
            rule["notificationSettings"] = rule.pop("notification_settings")
    assert sorted(([g["name"], g["interval"], g["rules"]] for g in provisioned), key=str) == \
        sorted(([g["name"], g["interval"], g["rules"]] for g in as_resources), key=str)


def test_import_of_the_prometheus_rules_gives_the_same_rules(compiled, tmp_path):
    run = run_mac("import", "rules", str(compiled / "build" / "kubernetes" / "prometheus-rules"), "--out",
                  str(tmp_path / "alerts"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    run = run_mac("compile", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    again = yaml.safe_load((tmp_path / "build" / "prometheus" / "alert_rules.yml").read_text())["groups"]
    original = yaml.safe_load((compiled / "build" / "prometheus" / "alert_rules.yml").read_text())["groups"]
    assert sorted(again, key=lambda g: g["name"]) == sorted(original, key=lambda g: g["name"])


def test_a_prometheus_rule_over_512_kib_is_refused_naming_its_group(tmp_path):
    tree = bundled_tree(tmp_path / "src", PYPROJECT)
    rules = ",\n".join(
        f'    AlertRule(name="Big{i}", expr="up{{job=\\"node\\"}} == {i}", severity="warning", summary="big",'
        f' description="{"x" * 1200}", runbook_url="https://example.com/r")' for i in range(500))
    (tree / "alerts" / "big.py").write_text(f"from monitoring_as_code import AlertRule, RuleGroup\n\n"
                                            f"big = RuleGroup(\"big-group\", [\n{rules}])\n")
    run = run_mac("compile", cwd=tree)
    assert run.returncode == 1
    assert "rule group big-group: its PrometheusRule is" in run.stderr and "512 KiB" in run.stderr
    assert "alerts/big.py:3: [error] rule group big-group" in run.stdout + run.stderr  # at the group's line
    assert not (tree / "build").exists()


def test_targets_must_be_known(tmp_path):
    tree = bundled_tree(tmp_path / "src", '[tool.mac]\ntargets = ["kubernets"]\n')
    run = run_mac("compile", cwd=tree)
    assert run.returncode == 1 and "pyproject.toml:2" in run.stderr and "targets" in run.stderr


def test_the_v2_schema_is_refused_for_grafana_operator(tmp_path):
    tree = bundled_tree(tmp_path / "src", '[tool.mac]\ngrafana = "13"\n')
    run = run_mac("compile", "--target", "kubernetes", cwd=tree)
    assert run.returncode == 1 and "takes the classic dashboard model" in run.stderr
    assert not (tree / "build").exists()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=300), min_size=1, max_size=8, unique=True))
def test_any_group_names_become_distinct_valid_object_names(keys):
    from monitoring_as_code.emit.kubernetes import _unique

    names = _unique(keys, "mac-")
    assert len(set(names.values())) == len(keys)
    for name in names.values():
        assert NAME.match(name) and len(name) <= 253, name
    assert _unique(keys, "mac-") == names  # the same input, the same names
