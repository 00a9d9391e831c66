"""`mac import grafana` (issue 14): Grafana's own migrations, the generated Python, the round
trip, errors at file and JSON path with nothing written, and the corpus."""
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_mac
from monitoring_as_code.importers import ImportProblem, grafana_json
from monitoring_as_code.importers.dashboard import import_dashboard, is_plugin_id
from monitoring_as_code.importers.migrate import V37, V38, V39, V40, V41, migrate
from monitoring_as_code.importers.pycode import module
from monitoring_as_code.importers.roundtrip import check, compiled_json, normalize

FIXTURES = ROOT / "tests" / "fixtures" / "import"
MIXINS = ROOT.parent / "shared" / "corpus" / "mixins"


# ---- Grafana's migrations, on the examples of their own documentation ----------------------

def test_v37_legends():
    dash = {"panels": [{"options": {"legend": True}}, {"options": {"legend": {"displayMode": "hidden"}}},
                       {"options": {"legend": {"displayMode": "table", "showLegend": False}}},
                       {"options": {"legend": {"displayMode": "table"}}}]}
    V37(dash)
    assert [p["options"]["legend"] for p in dash["panels"]] == [
        {"displayMode": "list", "showLegend": True}, {"displayMode": "list", "showLegend": False},
        {"displayMode": "list", "showLegend": False}, {"displayMode": "table", "showLegend": True}]


def test_v38_table_cells_in_defaults_and_overrides():
    dash = {"panels": [{"type": "row", "panels": [{"type": "table", "fieldConfig": {
        "defaults": {"custom": {"displayMode": "gradient-gauge"}},
        "overrides": [{"properties": [{"id": "custom.displayMode", "value": "color-background-solid"}]}]}}]}]}
    V38(dash)
    table = dash["panels"][0]["panels"][0]["fieldConfig"]
    assert table["defaults"]["custom"] == {"cellOptions": {"type": "gauge", "mode": "gradient"}}
    assert table["overrides"][0]["properties"][0] == {"id": "custom.cellOptions",
                                                      "value": {"type": "color-background", "mode": "basic"}}


def test_v39_v40_v41():
    dash = {"panels": [{"transformations": [{"id": "timeSeriesTable", "options": {"refIdToStat": {"A": "mean"}}}]}],
            "refresh": True, "timepicker": {"refresh_intervals": ["5s"], "time_options": ["5m"]}}
    V39(dash), V40(dash), V41(dash)
    assert dash["panels"][0]["transformations"][0]["options"] == {"A": {"stat": "mean"}}
    assert dash["refresh"] == "" and dash["timepicker"] == {"refresh_intervals": ["5s"]}
    assert dash["schemaVersion"] == 41


def test_migrate_leaves_the_input_alone_and_refuses_what_it_cannot_migrate():
    dash = {"schemaVersion": 36, "refresh": None, "panels": []}
    before = copy.deepcopy(dash)
    assert migrate("x.json", dash)["refresh"] == "" and dash == before
    with pytest.raises(ImportProblem, match=r"\$\.schemaVersion: schema version 14 predates 36"):
        migrate("x.json", {"schemaVersion": 14})


def test_plugin_ids_follow_grafanas_naming():
    assert is_plugin_id("marcusolsson-treemap-panel") and is_plugin_id("grafana-clock-panel")
    assert not is_plugin_id("timeseriez") and not is_plugin_id("my-panel")


# ---- the round trip ------------------------------------------------------------------------

def _imported(path):
    dashboard, migrated = import_dashboard(str(path), grafana_json.read(str(path)))
    return dashboard, migrated, module(dashboard, "imported", path.name)


def test_a_modern_export_round_trips_with_typed_fields_only():
    from monitoring_as_code.importers.run import _has_extra

    dashboard, migrated, source = _imported(FIXTURES / "modern.json")
    assert check(migrated, source, "imported") == []
    # Every panel is typed all the way down; the Loki query keeps its own key in its extra.
    assert [p.title for p in dashboard.all_panels() if _has_extra(p)] == ["Errors in the log"]
    assert dashboard.all_panels()[4].queries[0].extra == {"queryType": "range"}
    compile(source, "imported.py", "exec")


def test_api_export_and_resource_forms_give_the_same_dashboard():
    first, *others = [_imported(FIXTURES / name)[0] for name in ("modern.json", "api-export.json", "resource.json")]
    assert all(other == first for other in others)


def test_import_compile_import_is_stable(tmp_path):
    """Importing mac's compiled output of an imported module gives the same Python back."""
    _, _, source = _imported(FIXTURES / "modern.json")
    compiled = tmp_path / "compiled.json"
    compiled.write_text(json.dumps(compiled_json(source, "imported")))
    again = _imported(compiled)[2]
    assert again.split("\n", 1)[1] == source.split("\n", 1)[1]


def test_a_difference_is_reported_with_its_json_path():
    _, migrated, source = _imported(FIXTURES / "modern.json")
    changed = source.replace('unit="reqps"', 'unit="ops"')
    assert check(migrated, changed, "imported") == [("$.panels[0].fieldConfig.defaults.unit", "reqps", "ops")]


def test_normalization_reads_unset_as_grafana_does():
    a = {"panels": [{"id": 3, "type": "stat", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 3}, "targets": [],
                     "fieldConfig": {"defaults": {"thresholds": {"mode": "absolute", "steps": [
                         {"color": "green", "value": None}, {"color": "red", "value": 80}]}}}}], "id": 9, "version": 3}
    b = {"panels": [{"id": 1, "type": "stat"}]}
    assert normalize(a) == normalize(b)
    b["panels"][0]["fieldConfig"] = {"defaults": {"unit": "s"}}
    assert normalize(a) != normalize(b)


def test_the_imported_tree_compiles_with_lint_on(tmp_path):
    run = run_mac("import", "grafana", str(FIXTURES / "modern.json"), "--out", str(tmp_path / "dashboards"),
                  "--check", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "round trip: no difference" in run.stdout
    run = run_mac("compile", "--src", str(tmp_path), "--out", str(tmp_path / "build"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    written = json.loads((tmp_path / "build" / "grafana" / "dashboards" / "api-imported.json").read_text())
    assert [p["type"] for p in written["panels"]] == ["timeseries", "stat", "table", "text", "row"]
    assert [v["type"] for v in written["templating"]["list"]] == [
        "datasource", "datasource", "query", "custom", "interval", "constant", "textbox", "adhoc"]


# ---- bad input: file and JSON path, exit 1, nothing written ---------------------------------

@pytest.mark.parametrize("content, expected", [
    ('{"panels": [', r"bad\.json: line 1 column 13: not JSON"),
    ('{"schemaVersion": 39, "uid": "u", "panels": [{"type": "timeseriez", "title": "x"}]}',
     r"bad\.json: \$\.panels\[0\]\.type: unknown panel type 'timeseriez'"),
    ('groups:\n- name: x\n', r"bad\.json: line 1 column 1: not JSON"),
    ('{"schemaVersion": 39, "uid": "u", "panels": [{"type": "stat", "targets": [{"expr": 3}]}]}',
     r"bad\.json: \$\.panels\[0\]\.targets\[0\]\.expr: expr is int, not a string"),
    ('[1, 2]', r"bad\.json: \$: a dashboard is a JSON object"),
])
def test_bad_input_writes_nothing(tmp_path, content, expected):
    good = tmp_path / "in" / "good.json"
    good.parent.mkdir()
    good.write_text((FIXTURES / "modern.json").read_text())
    (tmp_path / "in" / "bad.json").write_text(content)
    run = run_mac("import", "grafana", str(tmp_path / "in"), "--out", str(tmp_path / "dashboards"), cwd=tmp_path)
    assert run.returncode == 1
    assert __import__("re").search(expected, run.stderr), run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "dashboards").exists()


# ---- the corpus (../shared) ----------------------------------------------------------------

@pytest.mark.skipif(not MIXINS.is_dir(), reason="../shared/corpus/mixins is not here")
def test_corpus_dashboards_round_trip():
    """Every corpus dashboard at schema 36 or later imports and compiles back to itself; the
    older ones are refused with the reason (their Angular panels' migration is not done)."""
    done = refused = panels = with_extra = 0
    # What the refusals may say: not implemented yet (schemas before 36), or broken input.
    reasons = ("predates 36", "old-style rows", "is an Angular panel", "a variable needs a name")
    for path in sorted(MIXINS.glob("*/dashboards/*")):
        try:
            dashboard, migrated, source = _imported(path)
        except ImportProblem as exc:
            refused += 1
            assert any(r in exc.message for r in reasons), exc
            continue
        assert check(migrated, source, "imported") == [], path
        done += 1
        from monitoring_as_code.importers.run import _has_extra
        for panel in dashboard.all_panels():
            panels += 1
            with_extra += _has_extra(panel)
    assert done >= 200 and done + refused == 315
    print(f"corpus: {done} dashboards round-trip, {refused} refused, {with_extra}/{panels} panels with extra")
