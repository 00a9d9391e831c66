"""The bundled monitoring spec compiles to what the spec asks for, and real tools accept it."""
import json
import subprocess

import pytest
import yaml

from conftest import ROOT, SHARED_SCHEMA, SHIPPED_SCHEMA, nulls, run_mac, schema_validator, tree_bytes

EXPECTED_ALERTS = {
    "DiskSpaceLow": ("critical", "5m"),
    "PostgreSQLDown": ("critical", "1m"),
    "RedisDown": ("critical", "1m"),
    "HighCPUUsage": ("warning", "5m"),
    "HighMemoryUsage": ("warning", "5m"),
    "TooManyDBConnections": ("warning", "5m"),
    "HighErrorRate": ("warning", "5m"),
    "SlowResponseTime": ("warning", "5m"),
    "JobQueueBacklog": ("warning", "10m"),
    "TargetDown": ("critical", "1m"),  # not in the spec: without it, *Down cannot fire when the exporter is down
}
EXPECTED_DASHBOARDS = {"mac-system": "System", "mac-postgresql": "PostgreSQL", "mac-redis": "Redis",
                       "mac-nginx": "Nginx", "mac-api": "API", "slo-api": "SLOs: api"}
LEGACY_KEYS = {"rows", "span", "height", "style", "intervalFactor", "hideControls", "sharedCrosshair", "step"}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("b") / "build"
    result = run_mac("compile", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "6 dashboards, 18 alerts" in result.stdout  # 10 threshold alerts, 8 burn-rate alerts of 2 SLOs
    return out


def dashboards(out):
    return {p.stem: json.loads(p.read_text()) for p in sorted((out / "grafana" / "dashboards").glob("*.json"))}


def test_the_dashboards(out):
    found = dashboards(out)
    assert {uid: d["title"] for uid, d in found.items()} == EXPECTED_DASHBOARDS


def test_nine_alerts_with_severity_for_and_annotations(out):
    rules = yaml.safe_load((out / "prometheus" / "alert_rules.yml").read_text())
    # The SLOs' groups (slo-*) hold their recording rules and burn-rate alerts: tests/test_slo.py.
    alerts = {r["alert"]: r for g in rules["groups"] if not g["name"].startswith("slo-") for r in g["rules"]}
    assert {name: (r["labels"]["severity"], r["for"]) for name, r in alerts.items()} == EXPECTED_ALERTS
    for name, rule in alerts.items():
        assert list(rule) == ["alert", "expr", "for", "labels", "annotations"], name
        assert list(rule["annotations"]) == ["summary", "description", "runbook_url"], name
        assert "{{ $value" in rule["annotations"]["description"], name


def test_rule_file_passes_promtool(out, promtool):
    result = subprocess.run([promtool, "check", "rules", str(out / "prometheus" / "alert_rules.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    rules = yaml.safe_load((out / "prometheus" / "alert_rules.yml").read_text())
    assert f"SUCCESS: {sum(len(g['rules']) for g in rules['groups'])} rules found" in result.stdout


@pytest.mark.parametrize("schema", [SHIPPED_SCHEMA, SHARED_SCHEMA], ids=["shipped", "shared"])
def test_dashboards_validate_against_grafana_schema(out, schema):
    if not schema.exists():
        pytest.skip(f"{schema} is not present on this machine")
    validator = schema_validator(schema)
    for uid, data in dashboards(out).items():
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], uid


def test_shipped_schema_is_grafanas(out):
    if not SHARED_SCHEMA.exists():
        pytest.skip("../shared is not present")
    assert SHIPPED_SCHEMA.read_bytes() == SHARED_SCHEMA.read_bytes()


def test_no_nulls_no_legacy_keys(out):
    for uid, data in dashboards(out).items():
        assert list(nulls(data)) == [], uid
        text = json.dumps(data)
        assert data["schemaVersion"] == 41
        for panel in data["panels"]:
            assert not LEGACY_KEYS & set(panel), (uid, panel["title"])
        assert '"rows"' not in text


def test_datasources_use_the_variable(out):
    for uid, data in dashboards(out).items():
        ds_vars = [v for v in data["templating"]["list"] if v["type"] == "datasource"]
        assert [v["name"] for v in ds_vars] == ["datasource"], uid
        for panel in data["panels"]:
            if panel["type"] == "row":
                continue
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
            for target in panel["targets"]:  # targets inherit the panel's
                assert target.get("datasource", panel["datasource"]) == {"type": "prometheus", "uid": "${datasource}"}


def test_ids_and_refids_are_stable_and_unique(out):
    for uid, data in dashboards(out).items():
        ids = [p["id"] for p in data["panels"]]
        assert ids == list(range(1, len(ids) + 1)), uid
        for panel in data["panels"]:
            refs = [t["refId"] for t in panel.get("targets", [])]
            assert refs == ["A", "B", "C", "D"][: len(refs)]


def test_panels_do_not_overlap_and_fit_the_grid(out):
    for uid, data in dashboards(out).items():
        cells = {}
        for panel in data["panels"]:
            g = panel["gridPos"]
            assert g["x"] + g["w"] <= 24, (uid, panel["title"])
            for x in range(g["x"], g["x"] + g["w"]):
                for y in range(g["y"], g["y"] + g["h"]):
                    assert (x, y) not in cells, (uid, panel["title"], cells.get((x, y)))
                    cells[(x, y)] = panel["title"]


def test_thresholds_follow_the_alerts(out):
    """The coloured line sits where the alert fires, converted for complementary quantities."""
    def steps(uid, title):
        panel = next(p for p in dashboards(out)[uid]["panels"] if p.get("title") == title)
        return [(s["color"], s["value"]) for s in panel["fieldConfig"]["defaults"]["thresholds"]["steps"]][1:]

    assert steps("mac-system", "Disk used per mountpoint") == [("red", 85)]  # free < 15 % → used > 85 %
    assert steps("mac-system", "CPU usage") == [("orange", 80)]
    assert steps("mac-system", "Memory usage") == [("orange", 85)]
    assert steps("mac-postgresql", "Connections against max_connections") == [("orange", 80)]
    assert steps("mac-postgresql", "PostgreSQL up") == [("green", 1)]  # red below 1
    assert steps("mac-redis", "Redis up") == [("green", 1)]
    assert steps("mac-api", "5xx error rate") == [("orange", 0.1)]
    assert steps("mac-api", "Latency p50 / p95 / p99") == [("orange", 2)]
    assert steps("mac-api", "Job queue size") == [("orange", 100)]


def test_committed_build_is_current():
    """build/ is committed so reviews show compiled changes; it must match the sources."""
    result = run_mac("compile", "--check", "--out", "build", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_files_say_so(out):
    files = tree_bytes(out)
    assert files["README.md"].startswith(b"<!-- Generated by mac")
    assert files["prometheus/alert_rules.yml"].startswith(b"# Generated by mac")


def test_dashboards_cover_the_spec(out):
    titles = {uid: {p["title"] for p in d["panels"]} for uid, d in dashboards(out).items()}
    assert {"CPU usage", "Memory usage", "Disk used per mountpoint", "Network traffic"} <= titles["mac-system"]
    assert {"Connections against max_connections", "Transactions", "Rows fetched and returned",
            "Cache hit ratio"} <= titles["mac-postgresql"]
    assert {"Memory used", "Commands", "Keys per database", "Connected clients"} <= titles["mac-redis"]
    assert {"Connections", "Requests"} <= titles["mac-nginx"]
    assert {"Requests by status", "Latency p50 / p95 / p99", "5xx error rate", "Jobs in progress",
            "Job queue size", "Job duration p95"} <= titles["mac-api"]
