"""`mac import grafana` (issue 14): Grafana's own migrations, the generated Python, the round
trip, errors at file and JSON path with nothing written, and the corpus."""
import copy
import json

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
    with pytest.raises(ImportProblem, match=r"\$\.schemaVersion: schema version 13 predates 14"):
        migrate("x.json", {"schemaVersion": 13})
    with pytest.raises(ImportProblem, match=r"newer than mac knows"):
        migrate("x.json", {"schemaVersion": 43})


def test_v16_legacy_rows_become_grid_rows():
    """upgradeToGridLayout: span 6 of 12 is half the grid, a 250px row is 7 units high, a
    collapsed row keeps its panels inside."""
    dash = {"schemaVersion": 14, "rows": [
        {"title": "A", "showTitle": True, "height": "250px", "panels": [
            {"id": 1, "type": "text", "span": 6}, {"id": 2, "type": "text", "span": 6}]},
        {"title": "B", "collapse": True, "panels": [{"id": 3, "type": "text", "span": 12, "height": 100}]}]}
    out = migrate("x.json", dash)
    top = [(p["type"], p.get("title"), p["gridPos"]) for p in out["panels"]]
    assert top == [("row", "A", {"x": 0, "y": 0, "w": 24, "h": 7}),
                   ("text", None, {"x": 0, "y": 1, "w": 12, "h": 7}),
                   ("text", None, {"x": 12, "y": 1, "w": 12, "h": 7}),
                   ("row", "B", {"x": 0, "y": 8, "w": 24, "h": 7})]
    assert out["panels"][3]["collapsed"] is True
    assert [p["gridPos"] for p in out["panels"][3]["panels"]] == [{"x": 0, "y": 9, "w": 24, "h": 3}]
    assert "rows" not in out


def test_graph_becomes_timeseries_as_grafana_converts_it():
    dash = {"schemaVersion": 27, "panels": [{
        "id": 1, "type": "graph", "title": "Requests", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
        "targets": [{"expr": "rate(x[5m])", "refId": "A"}], "lines": True, "linewidth": 2, "fill": 1,
        "stack": True, "nullPointMode": "null", "yaxes": [{"format": "reqps", "min": "0", "show": True},
                                                          {"format": "short", "show": False}],
        "legend": {"show": True, "alignAsTable": True, "values": True, "avg": True, "current": True, "max": False},
        "tooltip": {"shared": True, "sort": 2}, "aliasColors": {"errors": "red"},
        "seriesOverrides": [{"alias": "/5../", "yaxis": 2, "linewidth": 1}],
        "thresholds": [{"op": "gt", "value": 80, "colorMode": "critical", "fill": True, "line": True}]}]}
    panel = migrate("x.json", dash)["panels"][0]
    assert panel["type"] == "timeseries" and "yaxes" not in panel and "seriesOverrides" not in panel
    defaults = panel["fieldConfig"]["defaults"]
    assert defaults["unit"] == "reqps" and defaults["min"] == 0
    assert defaults["custom"] == {"axisPlacement": "auto", "drawStyle": "line", "showPoints": "never", "lineWidth": 2,
                                  "fillOpacity": 10, "spanNulls": False, "stacking": {"mode": "normal", "group": "A"},
                                  "thresholdsStyle": {"mode": "line+area"}}
    assert defaults["thresholds"]["steps"] == [{"color": "transparent", "value": None}, {"color": "red", "value": 80}]
    assert panel["options"] == {"legend": {"displayMode": "table", "showLegend": True, "placement": "bottom",
                                           "calcs": ["mean", "lastNotNull"]},
                                "tooltip": {"mode": "multi", "sort": "desc"}}
    overrides = panel["fieldConfig"]["overrides"]
    assert overrides[0] == {"matcher": {"id": "byName", "options": "errors"},
                            "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}]}
    assert overrides[1]["matcher"] == {"id": "byRegexp", "options": "/5../"}
    assert {"id": "unit", "value": "short"} in overrides[1]["properties"]
    assert {"id": "custom.axisPlacement", "value": "hidden"} in overrides[1]["properties"]


def test_singlestat_becomes_stat_with_its_thresholds_and_value_maps():
    dash = {"schemaVersion": 20, "panels": [{
        "id": 1, "type": "singlestat", "title": "Up", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
        "targets": [{"expr": "up", "refId": "A"}], "valueName": "current", "format": "percent",
        "thresholds": "50,80", "colors": ["green", "orange", "red"], "colorBackground": True,
        "sparkline": {"show": False}, "valueMaps": [{"op": "=", "text": "down", "value": "0"}], "mappingType": 1}]}
    panel = migrate("x.json", dash)["panels"][0]
    assert panel["type"] == "stat" and "valueMaps" not in panel and "colors" not in panel
    assert panel["options"] == {"reduceOptions": {"calcs": ["lastNotNull"]}, "orientation": "horizontal",
                                "graphMode": "none", "colorMode": "background"}
    defaults = panel["fieldConfig"]["defaults"]
    assert defaults["unit"] == "percent" and (defaults["min"], defaults["max"]) == (0, 100)
    assert defaults["thresholds"]["steps"] == [{"color": "green", "value": None}, {"color": "orange", "value": 50.0},
                                               {"color": "red", "value": 80.0}]
    assert defaults["mappings"] == [{"type": "value", "options": {"0": {"text": "down"}}}]


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
    # Every panel is typed all the way down, the Loki query too: no extra anywhere.
    assert [p.title for p in dashboard.all_panels() if _has_extra(p)] == []
    assert "extra=" not in source
    assert dashboard.all_panels()[4].queries[0].query_type == "range"
    compile(source, "imported.py", "exec")


def test_api_export_and_resource_forms_give_the_same_dashboard():
    first, *others = [_imported(FIXTURES / name)[0] for name in ("modern.json", "api-export.json", "resource.json")]
    assert all(other == first for other in others)


def test_v2_resources_import_to_what_they_were_compiled_from(tmp_path):
    """The bundled dashboards written for Grafana 13 (v2) and 12 (v1beta1) import back to
    Python that compiles to the very classic JSON of the committed build."""
    for version in ("13", "12"):
        run = run_mac("compile", "--grafana", version, "--out", str(tmp_path / f"b{version}"), "--no-cache", cwd=ROOT)
        assert run.returncode == 0, run.stderr
        tree = tmp_path / f"t{version}"
        run = run_mac("import", "grafana", str(tmp_path / f"b{version}" / "grafana" / "dashboards"),
                      "--out", str(tree / "dashboards"), "--check", cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert "round trip: no difference" in run.stdout
        run = run_mac("compile", "--src", str(tree), "--out", str(tree / "build"), cwd=tree)
        assert run.returncode == 0, run.stderr
        for path in sorted((ROOT / "build" / "grafana" / "dashboards").glob("*.json")):
            assert (tree / "build" / "grafana" / "dashboards" / path.name).read_bytes() == path.read_bytes(), path.name


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
    ('{"schemaVersion": 9, "uid": "u", "rows": []}', r"bad\.json: \$\.schemaVersion: schema version 9 predates 14"),
    ('groups:\n- name: x\n', r"bad\.json: line 1 column 1: not JSON"),
    ('{"schemaVersion": 39, "uid": "u", "panels": [{"type": "stat", "targets": [{"expr": 3}]}]}',
     r"bad\.json: \$\.panels\[0\]\.targets\[0\]\.expr: expr is int, not a string"),
    ('[1, 2]', r"bad\.json: \$: a dashboard is a JSON object"),
    ('{"apiVersion": "dashboard.grafana.app/v2", "kind": "Dashboard", "metadata": {}, "spec": {}}',
     r"bad\.json: \$\.metadata\.name: a v2 dashboard needs its name"),
    ('{"apiVersion": "dashboard.grafana.app/v2", "kind": "Dashboard", "metadata": {"name": "u"}, '
     '"spec": {"title": "t", "elements": {}, "layout": {"kind": "TabsLayout", "spec": {"tabs": []}}}}',
     r"bad\.json: \$\.spec\.layout: layout 'TabsLayout': only GridLayout and RowsLayout are read"),
    ('{"title": "t", "elements": {}, "layout": {}}', r"bad\.json: \$: a v2 dashboard spec without its resource envelope"),
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
    """Every corpus dashboard (schema 14 to 41) imports and compiles back to itself as
    migrated; panels of the core types keep little in extra."""
    from monitoring_as_code.importers.run import _has_extra

    done = panels = with_extra = 0
    for path in sorted(MIXINS.glob("*/dashboards/*")):
        dashboard, migrated, source = _imported(path)
        assert check(migrated, source, "imported") == [], path
        done += 1
        for panel in dashboard.all_panels():
            panels += 1
            with_extra += _has_extra(panel)
    assert done == 315 and panels > 4000
    assert with_extra / panels < 0.05, f"{with_extra}/{panels} panels with extra"


def test_the_imported_corpus_compiles(imported_corpus, tmp_path, promtool):
    """The issue's acceptance: import every dashboard and rule file, then compile with lint on."""
    tree, stdout = imported_corpus
    assert "round trip: no difference" in stdout
    run = run_mac("compile", "--require-checkers", "--src", str(tree), "--out", str(tmp_path / "build"),
                  cwd=tree)
    assert run.returncode == 0, "\n".join(l for l in run.stderr.splitlines() if "[error]" in l)[:3000]
    assert len(list((tmp_path / "build" / "grafana" / "dashboards").iterdir())) == 315


def test_the_baseline_ignores_what_the_dashboard_already_breaks(tmp_path):
    """A dashboard whose panel uses a fixed datasource uid imports with an ignore of that rule
    on that panel; removing the ignore brings the error back."""
    data = json.loads((FIXTURES / "modern.json").read_text())
    data["panels"][0]["datasource"] = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
    (tmp_path / "in.json").write_text(json.dumps(data))
    run = run_mac("import", "grafana", str(tmp_path / "in.json"), "--out", str(tmp_path / "dashboards"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "lint errors of the dashboard as it is, ignored where they are: dashboard/datasource-variable" in run.stderr
    module = tmp_path / "dashboards" / "api_imported.py"
    text = module.read_text()
    assert text.count('ignore=["dashboard/datasource-variable"],  # as imported') == 1
    assert run_mac("compile", cwd=tmp_path).returncode == 0
    module.write_text(text.replace('ignore=["dashboard/datasource-variable"],  # as imported', "# "))
    run = run_mac("compile", cwd=tmp_path)
    assert run.returncode == 1 and "uses datasource 'P1809F7CD0C75ACF3'" in run.stderr


def test_add_metrics_declares_what_the_queries_read(tmp_path):
    run = run_mac("import", "grafana", str(FIXTURES / "modern.json"), "--add-metrics", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    declared = (tmp_path / "pyproject.toml").read_text()
    assert '"http_requests_total" = "untyped"' in declared and '"up" = "untyped"' in declared
    assert "job" not in declared  # only metric names (the Loki query is not PromQL)


def test_datasource_variable_rewrites_prometheus_references(tmp_path):
    """--datasource-variable: a dashboard on its own $prom variable and a fixed uid ends up on
    mac's ${datasource}; the Loki panel keeps its datasource; the round trip holds."""
    data = json.loads((FIXTURES / "modern.json").read_text())
    variables = data["templating"]["list"]
    variables[0]["name"] = "prom"
    text = json.dumps(data).replace("${datasource}", "${prom}")
    data = json.loads(text)
    data["panels"][1]["datasource"] = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
    (tmp_path / "in.json").write_text(json.dumps(data))
    run = run_mac("import", "grafana", str(tmp_path / "in.json"), "--datasource-variable", "--check",
                  "--out", str(tmp_path / "dashboards"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    source = (tmp_path / "dashboards" / "api_imported.py").read_text()
    assert "${prom}" not in source and "P1809F7CD0C75ACF3" not in source and "ignore=" not in source
    assert 'LOKI = DataSourceRef(type="loki", uid="${loki}")' in source
    run = run_mac("compile", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    written = json.loads((tmp_path / "build" / "grafana" / "dashboards" / "api-imported.json").read_text())
    assert {json.dumps(p.get("datasource"), sort_keys=True) for p in written["panels"]} >= {
        json.dumps({"type": "prometheus", "uid": "${datasource}"}, sort_keys=True)}
    assert written["templating"]["list"][0]["name"] == "datasource"


@pytest.mark.skipif(not MIXINS.is_dir(), reason="../shared/corpus/mixins is not here")
def test_import_compile_import_is_stable_on_the_corpus():
    """Importing mac's own output gives equivalent Python: it compiles to the same bytes, and
    one more round gives the same Python (the first re-import writes out what mac had filled
    in, such as the built-in annotation; after that nothing changes)."""
    for path in sorted(MIXINS.glob("*/dashboards/*")):
        _, _, source = _imported(path)
        compiled = compiled_json(source, "imported")
        again, _ = import_dashboard("again.json", compiled)
        second = module(again, "imported", "again.json")
        assert compiled_json(second, "imported") == compiled, path
        third, _ = import_dashboard("again.json", compiled_json(second, "imported"))
        assert module(third, "imported", "again.json") == second, path


def test_input_text_cannot_become_code(tmp_path):
    """A title that would end the module's docstring stays text: the generated module runs
    nothing of it, and the dashboard keeps the title as written."""
    data = json.loads((FIXTURES / "modern.json").read_text())
    data["title"] = 'x"""; open("pwned", "w") #\\'
    (tmp_path / "in.json").write_text(json.dumps(data))
    assert run_mac("import", "grafana", str(tmp_path / "in.json"), cwd=tmp_path).returncode == 0
    run = run_mac("compile", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "pwned").exists()
    written = json.loads((tmp_path / "build" / "grafana" / "dashboards" / "api-imported.json").read_text())
    assert written["title"] == data["title"]
