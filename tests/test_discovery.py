"""Discovery: what a definition module defines is compiled; helpers import; grafanalib works too."""
import json
import shutil

import yaml

from conftest import SHIPPED_SCHEMA, run_mac, schema_validator, write_tree
from monitoring_as_code.load import load


def test_helpers_import_and_loose_rules_group_by_module(tmp_path):
    write_tree(tmp_path, {
        "alerts/shared.py": '''
        def above(metric, n):
            return f"{metric} > {n}"
        ''',
        "alerts/queue.py": '''
        from monitoring_as_code import AlertRule
        from alerts.shared import above

        backlog = AlertRule(name="Backlog", expr=above("job_queue_size", 100), for_="10m")
        ''',
        "dashboards/q.py": '''
        from monitoring_as_code import Dashboard, TimeSeries
        from alerts.queue import backlog  # imported, not defined here: compiled once

        d = Dashboard("Q", "q", panels=[TimeSeries("Queue", queries=["job_queue_size"], thresholds_from=backlog)])
        ''',
    })
    defs = load(str(tmp_path))
    assert defs.problems == []
    assert [(g.name, [r.name for r in g.rules]) for g in defs.groups] == [("queue", ["Backlog"])]
    assert [d.uid for d in defs.dashboards] == ["q"]


def test_two_compiles_in_one_process_do_not_mix(tmp_path):
    one = write_tree(tmp_path / "one", {"dashboards/a.py": '''
        from monitoring_as_code import Dashboard
        d = Dashboard("A", "a")
        '''})
    two = write_tree(tmp_path / "two", {"dashboards/a.py": '''
        from monitoring_as_code import Dashboard
        d = Dashboard("B", "b")
        '''})
    assert [d.uid for d in load(str(one)).dashboards] == ["a"]
    assert [d.uid for d in load(str(two)).dashboards] == ["b"]


GRAFANALIB_DASHBOARD = '''
from grafanalib.core import (Dashboard, GaugePanel, RowPanel, Stat, Target, Template, Templating, Threshold,
                             TimeSeries, GridPos)

legacy = Dashboard(
    title="Legacy",
    uid="legacy",
    tags=["old"],
    templating=Templating(list=[Template(name="job", query="label_values(up, job)", type="query")]),
    panels=[
        RowPanel(title="Overview", gridPos=GridPos(h=1, w=24, x=0, y=0)),
        TimeSeries(title="Up", targets=[Target(expr='up{job=~"$job"}', legendFormat="{{instance}}", refId="A")],
                   unit="short", gridPos=GridPos(h=8, w=12, x=0, y=1)),
        Stat(title="Targets", targets=[Target(expr="count(up)", refId="A")], format="short",
             thresholds=[Threshold("green", 0, 0.0), Threshold("red", 1, 10.0)], gridPos=GridPos(h=8, w=6, x=12, y=1)),
        GaugePanel(title="Share up", targets=[Target(expr="avg(up)", refId="A")], min=0, max=1,
                   gridPos=GridPos(h=8, w=6, x=18, y=1)),
    ],
).auto_panel_ids()
'''


def test_grafanalib_dashboard_compiles_to_valid_json(tmp_path):
    write_tree(tmp_path, {"dashboards/legacy.py": GRAFANALIB_DASHBOARD})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "build/grafana/dashboards/legacy.json").read_text())
    assert list(schema_validator(SHIPPED_SCHEMA).iter_errors(data)) == []
    assert data["schemaVersion"] == 41
    assert [(p["type"], p["title"]) for p in data["panels"]] == [
        ("row", "Overview"), ("timeseries", "Up"), ("stat", "Targets"), ("gauge", "Share up")]
    stat = data["panels"][2]
    assert [s["color"] for s in stat["fieldConfig"]["defaults"]["thresholds"]["steps"]] == ["green", "red"]
    assert stat["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"] == 10.0
    assert [v["name"] for v in data["templating"]["list"]] == ["datasource", "job"]


def test_unsupported_grafanalib_panel_is_reported_at_its_assignment(tmp_path):
    write_tree(tmp_path, {"dashboards/old.py": '''
        from grafanalib.core import Dashboard, Graph, Target

        # a comment line

        old = Dashboard(title="Old", uid="old", panels=[Graph(title="G", targets=[Target(expr="up")])])
        '''})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "dashboards/old.py:5: [error] grafanalib panel type Graph ('G') is not supported (grafanalib/unsupported)")


def test_recording_rules_go_to_their_own_file(tmp_path, promtool):
    import subprocess
    write_tree(tmp_path, {"alerts/rec.py": '''
        from monitoring_as_code import AlertRule, RecordingRule, RuleGroup

        rates = RuleGroup("rates", [RecordingRule("job:http_requests:rate5m", "sum by (job) (rate(http_requests_total[5m]))")],
                          interval="30s")
        alerts = RuleGroup("alerts", [AlertRule(name="Hot", expr="job:http_requests:rate5m > 100", for_="5m")])
        '''})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    recording = yaml.safe_load((tmp_path / "build/prometheus/recording_rules.yml").read_text())
    assert recording == {"groups": [{"name": "rates", "interval": "30s", "rules": [
        {"record": "job:http_requests:rate5m", "expr": "sum by (job) (rate(http_requests_total[5m]))"}]}]}
    alerts = yaml.safe_load((tmp_path / "build/prometheus/alert_rules.yml").read_text())
    assert [g["name"] for g in alerts["groups"]] == ["alerts"]
    for name in ("recording_rules.yml", "alert_rules.yml"):
        check = subprocess.run([promtool, "check", "rules", str(tmp_path / "build/prometheus" / name)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_definition_modules_load_the_same_with_or_without_bytecode(tmp_path, monkeypatch):
    """Without bytecode (PYTHONDONTWRITEBYTECODE) mac reads modules itself; otherwise importlib
    does, caching bytecode in __pycache__ as for any import. Same result either way."""
    import sys

    from conftest import ROOT
    from monitoring_as_code.compiler import compile_tree

    for name in ("alerts", "dashboards"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    plain = compile_tree(str(tmp_path))
    assert not (tmp_path / "dashboards" / "__pycache__").exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cached = compile_tree(str(tmp_path))
    assert (tmp_path / "dashboards" / "__pycache__").is_dir()
    again = compile_tree(str(tmp_path))  # now from the cached bytecode
    assert plain.ok and plain.files == cached.files == again.files
    assert [str(p) for p in plain.problems] == [str(p) for p in again.problems]
