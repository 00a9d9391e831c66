"""Regressions of the correctness bugs listed in issue 12, each named for what it protects."""
import gc

import promql_parser
import yaml

from conftest import ROOT, run_mac, tree_bytes, write_tree
from monitoring_as_code.compiler import compile_tree
from monitoring_as_code.testing.engine import Engine


def test_engine_never_returns_another_selectors_series():
    """Selections were cached by id() of selector objects: ids are reused once a compiled
    expression is collected, and the engine then returned the old selector's series."""
    engine = Engine({(("__name__", "a"),): [(0.0, 1.0)], (("__name__", "b"),): [(0.0, 2.0)]})
    for _ in range(200):
        assert list(engine.eval(promql_parser.parse("a"), 0.0).values()) == [1.0]
        gc.collect()
        assert list(engine.eval(promql_parser.parse("b"), 0.0).values()) == [2.0]
        gc.collect()


def test_removed_dashboards_leave_grafana():
    """disableDeletion: true kept a dashboard whose file vanished in Grafana, as an orphan."""
    provider = yaml.safe_load((ROOT / "build/grafana/provisioning/dashboards/provider.yml").read_text())
    (only,) = provider["providers"]
    assert only["disableDeletion"] is False
    assert only["allowUiUpdates"] is False


def test_service_down_alerts_also_fire_when_their_exporter_is_down():
    """pg_up and redis_up vanish with their exporter: the alerts read `up` then."""
    compiled = compile_tree(str(ROOT))
    alerts = {a.name: a for a in compiled.definitions.alerts}
    assert "or on (instance, job) up{job=\"postgres\"}" in alerts["PostgreSQLDown"].expr
    assert "or on (instance, job) up{job=\"redis\"}" in alerts["RedisDown"].expr
    assert alerts["TargetDown"].for_ == "1m" and alerts["TargetDown"].severity == "critical"
    names = {t.name for t in compiled.definitions.tests}
    assert "the exporter down (pg_up gone, up 0) pages too" in names
    assert "the exporter down (redis_up gone, up 0) pages too" in names


MANY_ALERTS = """
from monitoring_as_code import AlertRule, RuleGroup

quiet = RuleGroup("quiet", [AlertRule(name=f"Quiet{i}", expr=f"up{{job=\\"j{i}\\"}} == 0", for_="1m",
                                      severity="warning", summary="s", description="{{ $value }}",
                                      boundary=False)
                            for i in range(220)])
loud = RuleGroup("loud", [AlertRule(name="Loud", expr='up{job="x"} == 0', for_="1m", severity="warning",
                                    summary="s", description="{{ $value }}")])
"""


def test_check_right_after_compile_agrees_on_a_large_tree(tmp_path):
    """From 200 alerts the parallel derivation wrote `tests: []` files for alerts without
    tests, the in-memory compile of --check did not: --check failed right after compile."""
    src = write_tree(tmp_path / "src", {"alerts/many.py": MANY_ALERTS})
    out = tmp_path / "out"
    compiled = run_mac("compile", "--no-cache", "--out", str(out), cwd=src)
    assert compiled.returncode == 0, compiled.stderr
    written = tree_bytes(out)
    assert "prometheus/tests/Loud.yml" in written
    assert not any(name.startswith("prometheus/tests/Quiet") for name in written)
    checked = run_mac("compile", "--check", "--out", str(out), cwd=src)
    assert checked.returncode == 0, checked.stdout + checked.stderr
