"""Same input, same bytes, wherever it is compiled; removed definitions leave no file behind."""
import shutil

from conftest import run_mac, tree_bytes


def test_compiling_twice_and_elsewhere_gives_identical_bytes(bundled_copy, tmp_path_factory):
    assert run_mac("compile", "--out", "one", cwd=bundled_copy).returncode == 0
    assert run_mac("compile", "--out", "two", cwd=bundled_copy).returncode == 0
    elsewhere = tmp_path_factory.mktemp("another") / "deeper" / "checkout"
    shutil.copytree(bundled_copy, elsewhere, ignore=shutil.ignore_patterns("one", "two"))
    assert run_mac("compile", "--out", "three", cwd=elsewhere).returncode == 0
    one = tree_bytes(bundled_copy / "one")
    assert one == tree_bytes(bundled_copy / "two") == tree_bytes(elsewhere / "three")
    blob = b"".join(one.values())
    assert str(bundled_copy).encode() not in blob and b"/tmp" not in blob


def test_removed_definition_disappears(bundled_copy):
    assert run_mac("compile", "--out", "build", cwd=bundled_copy).returncode == 0
    assert (bundled_copy / "build/grafana/dashboards/mac-nginx.json").exists()
    (bundled_copy / "dashboards" / "nginx.py").unlink()
    result = run_mac("compile", "--out", "build", cwd=bundled_copy)
    assert result.returncode == 0, result.stderr
    assert not (bundled_copy / "build/grafana/dashboards/mac-nginx.json").exists()
    assert "mac-nginx.json" not in (bundled_copy / "build/README.md").read_text()


def test_check_reports_stale_changed_and_missing(bundled_copy):
    assert run_mac("compile", "--out", "build", cwd=bundled_copy).returncode == 0
    assert run_mac("compile", "--check", "--out", "build", cwd=bundled_copy).returncode == 0
    (bundled_copy / "dashboards" / "nginx.py").unlink()
    alerts = bundled_copy / "alerts" / "node.py"
    alerts.write_text(alerts.read_text().replace("* 100 < 15", "* 100 < 10"))
    result = run_mac("compile", "--check", "--out", "build", cwd=bundled_copy)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "differs: README.md",
        "stale:   grafana/dashboards/mac-nginx.json (no definition produces it any more)",
        "differs: grafana/dashboards/mac-system.json",
        "differs: prometheus/alert_rules.yml",
        "differs: prometheus/tests/DiskSpaceLow.yml",  # generated boundary tests follow the rule
        "differs: prometheus/tests/rules/DiskSpaceLow.yml",
    ]


def test_yaml_is_the_same_with_or_without_libyaml(monkeypatch):
    """Output must not depend on whether a machine's PyYAML was built with libyaml."""
    import yaml

    from conftest import ROOT
    from monitoring_as_code.compiler import compile_tree
    from monitoring_as_code.emit import yamlout

    assert yamlout.DUMPER is yaml.CSafeDumper  # the wheels ship libyaml: the fast path is the one used
    fast = compile_tree(str(ROOT)).files
    monkeypatch.setattr(yamlout, "DUMPER", yamlout.PythonDumper)
    slow = compile_tree(str(ROOT)).files
    assert [k for k in fast if k.endswith(".yml")] and fast == slow


def test_dashboard_json_is_the_same_with_or_without_orjson():
    import json as stdlib_json

    from conftest import ROOT
    from monitoring_as_code.compiler import compile_tree
    from monitoring_as_code.emit import grafana

    assert grafana.orjson is not None  # installed with mac: the fast path is the one used
    files = compile_tree(str(ROOT)).files
    for rel, data in files.items():
        if rel.endswith(".json") and rel.startswith("grafana/"):
            assert grafana.render_stdlib(stdlib_json.loads(data)) == data, rel


def test_schema_check_does_not_change_what_it_checks():
    """fastjsonschema fills in schema defaults unless told not to; the output must not move."""
    import copy

    from conftest import ROOT
    from monitoring_as_code.compiler import compile_tree
    from monitoring_as_code.emit.grafana import dashboard_data
    from monitoring_as_code.lint.dashboard_schema import fast_validator, is_valid

    assert fast_validator() is not None
    for dashboard in compile_tree(str(ROOT)).definitions.dashboards:
        data = dashboard_data(dashboard)
        before = copy.deepcopy(data)
        assert is_valid(data)
        assert data == before


def test_schema_check_by_panel_shape_agrees_with_jsonschema():
    """is_valid checks each distinct panel shape once (title, description and targets are
    free in the schema). Its verdict must be jsonschema's on the whole dashboard, including
    when two panels differ only in a constrained field."""
    import copy

    from conftest import ROOT
    from monitoring_as_code.compiler import compile_tree
    from monitoring_as_code.emit.grafana import dashboard_data
    from monitoring_as_code.lint.dashboard_schema import _panel_validator, is_valid, validator

    assert _panel_validator() is not None  # the schema is shaped as the shortcut assumes
    dashboards = compile_tree(str(ROOT)).definitions.dashboards
    base = dashboard_data(dashboards[0])
    panel = next(p for p in base["panels"] if p["type"] != "row" and p.get("targets"))
    mutations = {
        "title renamed": lambda p: p.update(title="Another title"),
        "targets rewritten": lambda p: p.update(targets=[{"expr": "up", "refId": "Z", "anything": [1]}]),
        "title not a string": lambda p: p.update(title=7),
        "a target not an object": lambda p: p.update(targets=["up"]),
        "gridPos width a string": lambda p: p["gridPos"].update(w="12"),
        "unknown panel key": lambda p: p.update(colour="red"),
        "threshold mode misspelt": lambda p: p["fieldConfig"]["defaults"].update(
            thresholds={"mode": "absolut", "steps": []}),
        "id a float": lambda p: p.update(id=1.5),
    }
    for name, mutate in mutations.items():
        data = copy.deepcopy(base)
        # The untouched panel comes first, so its shape is checked (and remembered) first.
        twin = copy.deepcopy(panel)
        mutate(twin)
        data["panels"] = [copy.deepcopy(panel), twin]
        assert is_valid(data) == validator().is_valid(data), name
    assert not is_valid(dict(base, panels=[panel, dict(panel, id=1.5)]))
    assert is_valid(dict(base, panels=[panel, dict(panel, title="x", description="y")]))


def test_generated_validator_is_used_only_when_it_matches_the_schema(monkeypatch):
    """make build writes the compiled validator beside the schema; a stale or missing one is
    ignored (the schema is compiled at run time instead), and either way the verdicts agree."""
    import json
    import types

    from conftest import ROOT
    from monitoring_as_code.lint import dashboard_schema as ds

    code = ds.generate_code()
    module = types.ModuleType("generated")
    exec(compile(code, "generated", "exec"), module.__dict__)
    assert module.SCHEMA_SHA256 == ds._schema_digest()
    good = json.loads((ROOT / "build" / "grafana" / "dashboards" / "mac-system.json").read_text())
    bad = dict(good, panels=good["panels"] + [{"type": "stat", "gridPos": {"h": "8"}}])
    for data, verdict in ((good, True), (bad, False)):
        assert ds.validator().is_valid(data) is verdict
        try:
            module.validate(data)
            assert verdict
        except Exception:
            assert not verdict

    ds._fast_functions.cache_clear()
    monkeypatch.setattr(ds, "_schema_digest", lambda: "not the schema the module was made from")
    try:
        assert "SCHEMA_SHA256" not in ds._fast_functions()  # compiled here, not the stale module
        assert ds.is_valid(good) and not ds.is_valid(bad)
    finally:
        ds._fast_functions.cache_clear()
        ds._panel_validator.cache_clear()
