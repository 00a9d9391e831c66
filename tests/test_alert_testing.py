"""The alert-test machinery: value notation, the evaluator against promtool, generated
boundary tests, and how promtool's output maps back to tests."""
import subprocess

import pytest
import yaml

from conftest import run_mac, write_tree
from monitoring_as_code import AlertRule, Boundary
from monitoring_as_code.contract import LATENCY_BUCKETS
from monitoring_as_code.testing import (constant, counter, histogram, missing, ramp, stale, step,
                                        threshold_tests)
from monitoring_as_code.testing.boundary import boundary_tests, default_values
from monitoring_as_code.testing.engine import Engine, _bucket_quantile
from monitoring_as_code.testing.inputs import CannotDrive, histogram_masses
from monitoring_as_code.testing.values import expand
import promql_parser


def test_value_helpers_write_promtool_notation():
    assert constant(5, "10m") == "5+0x9"
    assert ramp(0, 90, "10m") == "0+10x9"
    assert step(1, 0, at="2m", duration="5m") == "1+0x1 0+0x2"
    assert counter(0.5, "5m") == "0+30x4"
    assert missing("3m") == "_x3"
    assert stale() == "stale"
    assert expand("1+0x1 0+0x2 _x2 stale 7") == [1, 1, 0, 0, 0, *([float("nan")] * 3), 7][:5] + expand("_x2 stale 7")
    assert expand("5-1x2 1e+3") == [5, 4, 3, 1000]
    with pytest.raises(ValueError, match="not a whole number"):
        constant(1, "90s")


@pytest.mark.parametrize("target", [0.004, 0.5, 1.96, 2.0, 2.04, 2.4, 9.9])
def test_histogram_masses_have_the_chosen_quantile(target):
    if target < 0.005 * 0.95:
        with pytest.raises(CannotDrive):
            histogram_masses(LATENCY_BUCKETS, 0.95, target, 1.0)
        return
    masses = histogram_masses(LATENCY_BUCKETS, 0.95, target, 1.0)
    assert min(masses) >= 0 and sum(masses) == pytest.approx(1.0)
    cumulative = [sum(masses[: i + 1]) for i in range(len(masses))]
    buckets = list(zip(list(LATENCY_BUCKETS) + [float("inf")], cumulative))
    assert _bucket_quantile(0.95, buckets) == pytest.approx(target, rel=1e-12)


def test_evaluator_agrees_with_promtool_on_rate_and_quantile(tmp_path, promtool):
    """The simulated timeline is only as good as the evaluator: check it against Prometheus."""
    series = {"c_total": counter(1.5, "12m", start=0), "g": ramp(0, 110, "12m")}
    series.update({s.selector: s.values for s in histogram("lat", {"job": "x"}, 0.9, 0.7, 2.0, "12m")})
    samples = {}
    for selector, notation in series.items():
        labels = dict(yaml.safe_load("{" + selector[selector.index("{") + 1:-1].replace("=", ": ") + "}")
                      if "{" in selector else {})
        labels["__name__"] = selector.split("{")[0]
        samples[tuple(sorted(labels.items()))] = [(i * 60.0, v) for i, v in enumerate(expand(notation))]
    engine = Engine(samples)
    exprs = ["sum(rate(c_total[5m]))", "sum(increase(c_total[3m]))", "sum(irate(c_total[5m]))",
             "sum(max_over_time(g[4m]))", "histogram_quantile(0.9, sum by (le) (rate(lat_bucket[5m])))"]
    checks = []
    for expr in exprs:
        for minute in (1, 3, 5, 8):
            value = list(engine.eval(promql_parser.parse(expr), minute * 60.0).values())[0]
            checks.append({"expr": f"count(abs({expr} - {value!r}) < 1e-9)", "eval_time": f"{minute}m",
                           "exp_samples": [{"labels": "{}", "value": 1}]})
    doc = {"rule_files": [], "evaluation_interval": "1m", "tests": [{
        "interval": "1m",
        "input_series": [{"series": k, "values": v} for k, v in series.items()],
        "promql_expr_test": checks}]}
    (tmp_path / "t.yml").write_text(yaml.safe_dump(doc))
    result = subprocess.run([promtool, "test", "rules", "t.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_default_values_sit_just_past_the_threshold():
    assert default_values("<", 15, False) == (14, 16)
    assert default_values(">", 0.1, False) == (0.102, 0.098)
    assert default_values(">", 2, False) == (2.04, 1.96)
    assert default_values("<", 1, True) == (0, 1)  # up-style 0/1 gauges


def test_boundary_tests_opt_out_and_override():
    rule = AlertRule(name="Hot", expr="temperature_celsius > 70", for_="2m")
    fire, quiet = boundary_tests(rule)
    assert (fire.name, quiet.name) == ("fires at 71 (> 70 for 2m)", "stays quiet at 69 (not > 70)")
    assert [e.describe() for e in fire.expect] == ["not firing from 2m to 4m", "pending at 4m", "firing at 5m"]
    assert fire.series[0].values == "69+0x2 71+0x4"
    assert boundary_tests(AlertRule(name="Hot", expr="temperature_celsius > 70", boundary=False)) == []
    fire, _ = boundary_tests(AlertRule(name="Hot", expr="temperature_celsius > 70", boundary=Boundary(fire=95)))
    assert fire.series[0].values == "69+0x2 95+0x2"
    fire, quiet = boundary_tests(AlertRule(name="Gone", expr='absent(up{job="x"})', for_="1m"))
    assert (fire.name, quiet.name) == ("fires with its series missing for 1m", "stays quiet with its series present")
    # present until 2m; 2.x still sees a sample 5m old, so absent() holds from 8m
    assert [s.values for s in fire.series] == ["1+0x2 _x9"]
    assert [e.describe() for e in fire.expect] == ["not firing from 2m to 8m", "pending at 8m", "firing at 9m"]


def test_boundary_can_choose_the_moving_series_and_steady_values():
    rule = AlertRule(name="Full", expr="100 * (1 - avail_bytes / size_bytes) > 90", for_="5m",
                     boundary=Boundary(knob="size_bytes", steady={"avail_bytes": 50}))
    fire, quiet = boundary_tests(rule)
    values = {s.selector.split("{")[0]: s.values for s in fire.series}
    # 92 % used (2 past 90) with 50 bytes free is a 625-byte disk; 88 % is 416.67 bytes
    assert values == {"avail_bytes": "50+0x10", "size_bytes": "416.666667+0x2 625+0x7"}
    with pytest.raises(CannotDrive, match="steady values for series the expression does not read: nope"):
        boundary_tests(AlertRule(name="X", expr="a > 1", boundary=Boundary(steady={"nope": 1})))


def test_spec_values_must_straddle_the_threshold():
    rule = AlertRule(name="Hot", expr="temperature_celsius > 70", for_="2m")
    with pytest.raises(ValueError, match=r"fire=60 must satisfy '> 70' and safe=69 must not"):
        threshold_tests(rule, "> 70", for_="2m", fire=60)


def test_undrivable_expression_is_a_warning_at_the_rule_and_an_error_when_tests_are_required(tmp_path):
    write_tree(tmp_path, {"alerts/odd.py": '''
        from monitoring_as_code import AlertRule

        odd = AlertRule(name="Odd", expr="quantile(0.9, node_load1) > 1", for_="5m", summary="s", description="{{ $value }}")
        fine = AlertRule(name="Fine", expr="quantile(0.9, node_load1) > 1", for_="5m", boundary=False, summary="s",
                         description="{{ $value }}")
        '''})
    message = ("alerts/odd.py:3: [{}] alert Odd: cannot generate boundary tests: "
               "mac does not model aggregation quantile in PromQL (test/boundary)")
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # the rule is fine; it goes untested, and says so
    assert message.format("warning") in result.stderr.splitlines()
    assert "alert Fine: cannot generate" not in result.stderr
    strict = run_mac("compile", "--strict", "--out", "build", cwd=tmp_path)
    assert strict.returncode == 1
    assert message.format("error") in strict.stderr.splitlines()
    write_tree(tmp_path, {"pyproject.toml": "[tool.mac]\nrequire_tests = true\n"})
    required = run_mac("lint", cwd=tmp_path)
    assert required.returncode == 1
    assert message.format("error") in required.stdout.splitlines()


def test_a_test_of_an_alert_that_is_not_compiled(tmp_path):
    write_tree(tmp_path, {"alerts/t.py": '''
        from monitoring_as_code import AlertRule
        from monitoring_as_code.testing import AlertTest, quiet

        def make():
            return AlertRule(name="Hidden", expr="x > 1", for_="1m")

        orphan = AlertTest(make(), "never compiled", expect=[quiet(between=("0m", "5m"))])
        '''})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert ("alerts/t.py:7: [error] test 'never compiled': alert Hidden is not in any compiled rule group "
            "(test/unknown-alert)") in result.stderr


def test_mac_test_reports_each_test_with_its_line(tmp_path, promtool):
    (tmp_path / "pyproject.toml").write_text('[tool.mac.metrics]\ntemperature_celsius = "gauge"\n')
    write_tree(tmp_path, {"alerts/temp.py": '''
        from monitoring_as_code import AlertRule
        from monitoring_as_code.testing import AlertTest, Series, fires, pending, step

        hot = AlertRule(name="Hot", expr='temperature_celsius{job="x"} > 70', for_="2m", summary="hot",
                        description="{{ $value }}°C")
        tests = [
            AlertTest(hot, "hot after two minutes",
                      series=[Series('temperature_celsius{job="x"}', step(20, 80, at="3m", duration="10m"))],
                      expect=[pending(at="4m"), fires(at="5m")]),
            AlertTest(hot, "wrongly expected early",
                      series=[Series('temperature_celsius{job="x"}', step(20, 80, at="3m", duration="10m"))],
                      expect=[fires(at="3m", labels={"job": "x"})]),
        ]
        '''})
    result = run_mac("test", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "Hot",
        "  ok    hot after two minutes  (written at alerts/temp.py:7)",
        "  FAIL  wrongly expected early  (written at alerts/temp.py:10)",
        "        expected firing at 3m with labels {'job': 'x'}, but it was not",
        "              exp: {} 1E+00",
        "              got: nil",
        "  ok    fires at 71 (> 70 for 2m)  (generated from alerts/temp.py:4)",
        "  ok    stays quiet at 69 (not > 70)  (generated from alerts/temp.py:4)",
        "1 alerts, 4 tests: 3 passed, 1 failed",
    ]
    files = sorted(p.name for p in tmp_path.rglob("*.yml"))
    assert files == []  # mac test compiles in memory; build/ is mac compile's job


def test_alert_keys_are_unique_and_safe_file_names_for_any_alert_names(tmp_path, promtool):
    from monitoring_as_code.emit.promtool_tests import alert_files
    from monitoring_as_code.model import RuleGroup
    from monitoring_as_code.testing.layout import alert_keys

    alerts = [AlertRule(name="A", expr="x > 1", severity="warning"),
              AlertRule(name="A", expr="x > 2", severity="critical"),
              AlertRule(name="A.warning", expr="x > 3"), AlertRule(name='Disk "/" full', expr="x > 4")]
    keys = alert_keys(alerts)
    assert len(set(keys.values())) == 4
    assert [keys[id(a)] for a in alerts[:2]] == ["A.warning", "A.critical"]
    assert all("/" not in k and '"' not in k and not k.startswith(".") for k in keys.values())
    odd = alerts[3]  # its name lands in the checks' PromQL, quoted
    group = RuleGroup("g", [odd])
    for rel, data in alert_files(odd, boundary_tests(odd), group, [group], {}, keys[id(odd)]).items():
        path = tmp_path / rel.split("/", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    done = subprocess.run([promtool, "test", "rules", f"tests/{keys[id(odd)]}.yml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_fields_of_the_wrong_type_are_errors_at_their_line_not_crashes_in_the_test_layout(tmp_path):
    """Found by test_properties: an expression given as a list reached the boundary-test
    collection, and same-name alerts with non-string severities the alert keys."""
    write_tree(tmp_path, {"alerts/a.py": '''
        from monitoring_as_code import AlertRule, RuleGroup

        g = RuleGroup("g", [AlertRule(name="X", expr=["up == 0"], for_="5m"),
                            AlertRule(name="Y", expr="up == 0", for_="5m", severity=["warning"]),
                            AlertRule(name="Y", expr="up == 1", for_="5m", severity=3)])
        '''})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert "alerts/a.py:3: [error] AlertRule.expr is a list, not a string (model/type)" in result.stderr
    assert "alerts/a.py:5: [error] AlertRule.severity is the number 3, not a string (model/type)" in result.stderr
