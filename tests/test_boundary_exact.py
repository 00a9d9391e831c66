"""Issue 13's failures of generated tests on correct rules, reproduced from its descriptions:
each derived test here must pass under the real promtool, and what mac writes is what it
simulated."""
import math
import subprocess

import pytest

from monitoring_as_code.emit.promtool_tests import alert_files
from monitoring_as_code.model import AlertRule, RuleGroup
from monitoring_as_code.testing.boundary import boundary_tests
from monitoring_as_code.testing.inputs import CannotDrive, as_engine_input
from monitoring_as_code.testing.values import expand


def promtool_verdict(tmp_path, promtool, alert, tests):
    group = RuleGroup("g", [alert])
    for rel, data in alert_files(alert, tests, group, [group], {}, "t").items():
        path = tmp_path / rel.split("/", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    done = subprocess.run([promtool, "test", "rules", "tests/t.yml"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout + done.stderr


# Exact ties: fire and safe at threshold ± 2 % over an even window put a ramp's midpoint on the
# threshold, where Prometheus computes a few ulps above it (increase(x[10m]) - 2 = 8.9e-16).
TIES = ["increase(jobs_failed_total[10m]) > 2", "increase(jobs_failed_total[2m]) > 4",
        "rate(jobs_failed_total[4m]) > 0.5", "increase(jobs_failed_total[6m]) >= 3",
        "sum by (job) (increase(jobs_failed_total[10m])) > 10", "increase(jobs_failed_total[10m]) > 0"]
# Written ≠ simulated: steps that are not exact in binary, expanded by repeated addition.
INEXACT = ["rate(requests_total[5m]) > 0.0333", "rate(requests_total[3m]) * 7 > 0.7",
           'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.013']
# Filters and label sets: both sides of every operation must match as Prometheus matches them.
FILTERS = ['node_nf_conntrack_entries{job="node"} / node_nf_conntrack_entries_limit > 0.75',
           'x_ratio > 0.5 and on (instance) x_enabled == 1',
           'rate(a_total[5m]) + rate(b_total[5m]) > 0',
           '100 * sum by (job) (mongodb_connections{state="current"}) '
           '/ sum by (job) (mongodb_connections{state=~"current|available"}) > 80']


@pytest.mark.parametrize("expr", TIES + INEXACT + FILTERS)
@pytest.mark.parametrize("for_", [None, "3m", "30s"])
def test_derived_tests_pass_under_promtool(tmp_path, promtool, expr, for_):
    alert = AlertRule(name="Derived", expr=expr, for_=for_, severity="warning")
    tests = boundary_tests(alert)
    assert len(tests) == 2
    code, output = promtool_verdict(tmp_path, promtool, alert, tests)
    assert code == 0, output


@pytest.mark.parametrize("expr", INEXACT + TIES)
def test_a_counter_never_steps_back_in_what_promtool_expands(expr):
    for test in boundary_tests(AlertRule(name="Derived", expr=expr, severity="warning")):
        for series in test.series:
            samples = expand(series.values)
            assert all(b >= a for a, b in zip(samples, samples[1:])), (series.values, samples)


def test_expansion_is_repeated_addition_as_in_promtool():
    """promtool's parser adds the step again and again; a·i would end on 1.0, not below it."""
    samples = expand("0+0.1x10")
    assert samples[10] == 0.9999999999999999 and 0.1 * 10 == 1.0
    assert [("nan" if math.isnan(v) else v) for v in expand("_x2 5x1 -5x1")] == ["nan", "nan", 5, 5, -5, -5]


def test_the_self_check_refuses_notation_that_would_not_expand_to_the_simulated_samples(monkeypatch):
    from monitoring_as_code.testing import inputs

    labels = (("__name__", "x"),)
    assert as_engine_input({labels: [(0.0, 0.5, 3)]})[labels] == [(0.0, 0.0), (60.0, 0.5), (120.0, 1.0)]
    written = inputs.run  # a writer that rounds the step would write other samples than simulated
    monkeypatch.setattr(inputs, "run", lambda start, step, n: written(start, float(f"{step:.3g}"), n))
    with pytest.raises(CannotDrive, match="does not expand to the simulated samples"):
        as_engine_input({labels: [(0.0, 1 / 3, 4)]})


def test_sub_minute_for_is_told_apart_from_a_minute():
    thirty = boundary_tests(AlertRule(name="A", expr="x > 1", for_="30s"))
    minute = boundary_tests(AlertRule(name="A", expr="x > 1", for_="1m"))
    assert thirty[0].interval == "30s" and minute[0].interval == "1m"
    assert [e.describe() for e in thirty[0].expect][-1] != [e.describe() for e in minute[0].expect][-1]


@pytest.mark.parametrize("expr", ["x > 1 and on () (y > 5 and y < 3)", "x > 1 unless on () x > 0"])
def test_a_filter_that_removes_the_series_is_said_not_simulated_away(expr):
    """The whole expression is simulated: a compared value past the threshold that its filter
    removes is no firing alert, and mac says so rather than emit a test promtool would fail."""
    with pytest.raises(CannotDrive, match="the rest of the expression .* leaves no series"):
        boundary_tests(AlertRule(name="A", expr=expr))
