"""Lint that fits real rules (issue 13, scope 5): what real mixins write on purpose is not an
error; what can never work is said."""
import json

import promql_parser
import pytest

from conftest import run_mac, write_tree
from monitoring_as_code.lint.alert_comparison import compares
from monitoring_as_code.lint.promql_never_matches import never_matching


@pytest.mark.parametrize("expr", [
    "count(up > 5) > 0", "sum by (job) (up > 5)", "vector(1)", 'up{job="a"} unless on (instance) up{job="b"}',
    "absent(up)", "absent_over_time(up[5m])", "max_over_time((up > 1)[5m:])", "up and on (job) (x > 1)",
    "(node_load1 > 1) * 100",
])
def test_conditions_real_rules_use_are_comparisons(expr):
    assert compares(promql_parser.parse(expr))


@pytest.mark.parametrize("expr", ["sum by (job) (up)", "up", "rate(x_total[5m])", "up == bool 1"])
def test_expressions_without_a_condition_are_not(expr):
    assert not compares(promql_parser.parse(expr))


@pytest.mark.parametrize("expr, found", [
    ('x{job="a"} > 0 and histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m]))) < 2', ("and", "instance")),
    ("sum by (job) (rate(a_total[5m])) / sum by (instance) (rate(b_total[5m])) > 0.1", ("/", "job")),
    ('up == 0 and sum by (le) (node_load1{job="node"}) > 1', ("and", "instance")),
])
def test_sides_that_can_never_match_are_found(expr, found):
    assert never_matching(promql_parser.parse(expr)) == found


@pytest.mark.parametrize("expr", [
    "x > 0 and on () histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m]))) < 2",
    'node_nf_conntrack_entries{job="node"} / node_nf_conntrack_entries_limit > 0.75',
    "sum by (job) (rate(a_total[5m])) / sum by (job) (rate(b_total[5m])) > 0.1",
    "up == 0 unless on (job) (sum by (job) (up) == 0)", "a / on (instance) group_left (x) b",
    "job:x:rate5m > 0 and histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m]))) < 2",
    "sum without (instance) (x) / sum without (instance) (y)",
    'up{job="a"} and ignoring (job, instance) vector(1)',
])
def test_sides_that_can_match_are_not_reported(expr):
    assert never_matching(promql_parser.parse(expr)) is None


FOREIGN = """
from monitoring_as_code import AlertRule, RuleGroup

g = RuleGroup("foreign", [
    AlertRule(name="node_conntrack_high", expr='node_nf_conntrack_entries{job="node"} > 1000', for_="5m",
              summary="s", description="{{ $value }}", boundary=False),
    AlertRule(name="Watchdog", expr="vector(1)", summary="s", description="{{ $value }}", allow_no_for=True),
    AlertRule(name="QueueTotal", expr='queue_items_total{job="node"} > 10', for_="5m", summary="s",
              description="{{ $value }}", boundary=False),
])
"""


def test_foreign_names_gauges_named_like_counters_and_watchdogs_are_not_errors(tmp_path):
    src = write_tree(tmp_path / "src", {"alerts/foreign.py": FOREIGN, "pyproject.toml": """
        [tool.mac]
        disable = ["promql/unknown-metric"]
        [tool.mac.metrics]
        """})
    result = run_mac("lint", "--format", "json", cwd=src)
    problems = json.loads(result.stdout)
    assert result.returncode == 0, problems
    assert [(p["rule"], p["severity"]) for p in problems] == [("promql/rate-counter", "warning")]
    assert "queue_items_total looks like a counter (its name)" in problems[0]["message"]


def test_a_gauge_the_catalog_knows_is_no_counter_whatever_its_name(tmp_path):
    src = write_tree(tmp_path / "src", {"alerts/foreign.py": FOREIGN, "pyproject.toml": """
        [tool.mac]
        disable = ["promql/unknown-metric"]
        [tool.mac.metrics]
        queue_items_total = "gauge"
        """})
    result = run_mac("lint", "--format", "json", cwd=src)
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_camel_case_is_an_optional_style_rule(tmp_path):
    src = write_tree(tmp_path / "src", {"alerts/foreign.py": FOREIGN, "pyproject.toml": """
        [tool.mac]
        disable = ["promql/unknown-metric", "promql/rate-counter"]
        enable = ["alert/name-style"]
        """})
    result = run_mac("lint", "--format", "json", cwd=src)
    assert [(p["rule"], p["severity"], p["message"]) for p in json.loads(result.stdout)] == [
        ("alert/name-style", "warning", "alert name 'node_conntrack_high' is not CamelCase")]
    assert result.returncode == 0


def test_a_window_longer_than_promtool_loads_is_not_derived_and_says_why():
    """BlackboxLowUptime30d (corpus): the derived test failed under promtool ("would load too
    many samples"); a test mac cannot make promtool run is not emitted."""
    from monitoring_as_code import AlertRule
    from monitoring_as_code.testing.boundary import boundary_tests
    from monitoring_as_code.testing.inputs import CannotDrive

    rule = AlertRule(name="LowUptime30d", expr='avg_over_time(probe_success{job="blackbox"}[30d]) * 100 < 99.9',
                     for_="10m")
    with pytest.raises(CannotDrive, match=r"avg_over_time\(\) over 4w2d needs more samples \(one every 1m\) than "
                                          r"promtool's unit tests load \(10,000\)"):
        boundary_tests(rule)
    assert boundary_tests(AlertRule(name="LowUptime1d", expr=rule.expr.replace("30d", "1d"), for_="10m"))
