"""mac lint: every rule fires on its mistake, at the line where it was written, with its exact
message; the bundled spec is clean; rules can be turned off."""
import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_mac, write_tree
from monitoring_as_code.lint import ALL

FIXTURE = ROOT / "tests" / "fixtures" / "lint_mistakes"
RULES = sorted(module.RULE for module in ALL)
MESSAGES = {
    "alert/for": "alert NoFor has no `for`: it fires on the first evaluation that matches",
    "alert/severity": "alert Paging: severity 'page' is not critical, warning or info",
    "alert/annotations": "alert Static: description is not templated",
    "alert/name-style": "alert name 'disk_full' is not CamelCase",
    "alert/name": "alert Twin is written twice: the same labels and expression are at alerts/mistakes.py:26",
    "promql/never-matches": "alert Unmatched: the two sides of `and` can never match: one always has the label "
                            "instance, the other never does",
    "alert/comparison": "alert Uncompared: the expression does not compare against anything",
    "alert/grafana-managed": "alert Absence: no comparison with a number to become a Grafana threshold",
    "promql/syntax": "alert Broken: PromQL syntax error: unclosed left parenthesis",
    "promql/rate-counter": "alert RawCounter: counter node_network_receive_bytes_total is used without rate(), "
                           "irate() or increase()",
    "promql/rate-window": "alert ShortWindow: rate() over [30s] is shorter than 4× the scrape interval (1m)",
    "promql/unknown-metric": "unknown metric node_memory_MemAvailabel_bytes; did you mean node_memory_MemAvailable_bytes?",
    "rule/duration": "alert WordyFor: for '5 minutes' is not a duration",
    "rule/group-name": "rule group 'mistakes' is already defined at alerts/mistakes.py:30",
    "model/type": "group typed: rules[0] is a dict, not an AlertRule or RecordingRule",
    "dashboard/datasource-variable": "panel 'Pinned' uses datasource 'P1809F7CD0C75ACF3' instead of the dashboard's "
                                     "variable ${datasource}",
    "panel/thresholds-from": "panel 'Linked': alert Uncompared has no threshold comparison (<, <=, >, >= against a number)",
    "panel/unit": "panel 'Unitless' has no unit",
    "panel/title-description": "panel 'Undescribed' has no description",
    "panel/has-queries": "panel 'Empty' has no queries",
    "dashboard/schema": "dashboard mistakes: schema: templating/list/1/refresh: 5 is not one of [0, 1, 2]",
    "dashboard/title": "dashboard untitled: title '' is empty",
    "value/finite": "panel 'Infinite max': max is inf",
    "promql/dialect": "alert Newer: mad_over_time is not in Prometheus 2.42 (added in 2.51)",
    "rule/labels": "alert Dashed: label name 'team-name' is not a label name (letters, digits and _, not starting "
                   "with a digit)",
    "rule/template": "alert Templated: annotation description: template error at column 13: function 'humanise' "
                     "not defined",
    "stack/nginx": "Stack prometheus_external_path '/prometheus; allow all/' is not a URL path such as /prometheus/ "
                   "(plain segments, starting and ending with /)",
    "stack/prometheus": "ScrapeJob 'node': target '127.0.0.1:9100/metrics' has a scheme or a path: a target is "
                        "host:port (set the scheme and metrics_path on the job)",
    "stack/secret": "Email password_file 'smtp_password' is not an absolute file path of plain characters (letters, "
                    "digits, . _ + @ = , -), without . or .. segments",
    "stack/alertmanager": "Route 'warning': repeat_interval '4 hours' is not a Prometheus duration (such as 30s, 5m "
                          "or 1h30m)",
    "stack/grafana-ini": "Grafana folder 'mac\\n[security]' holds a control character or line break, which would "
                         "end the value and start new settings",
    "stack/allow-all": "Nginx serves /metrics to every address (metrics_allow all)",
    "stack/sentry": "Sentry traces_sample_rate 1.5 is not a number from 0 to 1",
    "stack/deploy": "Host nginx_url '127.0.0.1:80' is not an http(s) URL with a host",
    "panel/layout": "panel 'On top' overlaps panel 'Base' (defined at dashboards/mistakes.py:27): Grafana moves "
                    "the later one down",
    "model/extra": "panel 'Extra': extra sets maxDataPoints, which has a typed field",
    "slo/definition": "SLO perfect: objective 100 is not a percentage strictly between 0 and 100",
    "slo/total-covers-errors": "SLO crossed: the total selector does not take the error series (total ⊇ errors)",
    "slo/chained-period": "SLO chained: the period SLI averages 1-hour ratios (chained_period=True)",
    "dashboard/folder": "folder uid 'team' names two folders: 'Other team' here and 'Team' at dashboards/mistakes.py:36",
    "dashboard/unique-uid": "dashboard uid 'mistakes' is already used at dashboards/mistakes.py:16",
}


def expected_marks():
    marks = set()
    for path in sorted(FIXTURE.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            found = re.search(r"# expect: (\S+)$", line)
            if found:
                marks.add((str(path.relative_to(FIXTURE)), number, found.group(1)))
    return marks


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory):
    copy = tmp_path_factory.mktemp("lint") / "src"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    result = run_mac("lint", "--format", "json", cwd=copy)
    return result, json.loads(result.stdout)


def test_fixture_reports_exactly_one_problem_per_rule_at_its_line(fixture_report):
    result, problems = fixture_report
    assert result.returncode == 1
    assert {(p["file"], p["line"], p["rule"]) for p in problems} == expected_marks()
    assert len(problems) == len(expected_marks())
    assert sorted(p["rule"] for p in problems) == RULES  # every rule, once


@pytest.mark.parametrize("rule", RULES)
def test_rule_message(fixture_report, rule):
    _, problems = fixture_report
    mine = [p for p in problems if p["rule"] == rule]
    assert [p["message"] for p in mine] == [MESSAGES[rule]]
    assert mine[0]["help"] and mine[0]["severity"] in ("error", "warning")


@pytest.fixture(scope="module")
def bundled_report():
    result = run_mac("lint", "--format", "json", cwd=ROOT)
    return result, json.loads(result.stdout)


@pytest.mark.parametrize("rule", RULES)
def test_rule_passes_on_the_bundled_spec(bundled_report, rule):
    result, problems = bundled_report
    assert [p for p in problems if p["rule"] == rule] == []
    assert result.returncode == 0


def test_typo_in_a_bundled_alert_gets_a_did_you_mean_at_its_line(bundled_copy):
    path = bundled_copy / "alerts" / "node.py"
    text = path.read_text()
    line = text.splitlines().index("high_memory_usage = AlertRule(") + 1
    path.write_text(text.replace('node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal',
                                 'node_memory_MemAvailabel_bytes{job="node"} / node_memory_MemTotal'))
    result = run_mac("lint", cwd=bundled_copy)
    assert result.returncode == 1
    # At the typo's own line inside the multi-line expression, its column, with a caret.
    typo_line = next(i for i, l in enumerate(text.splitlines(), 1) if i > line and "node_memory_MemAvailable" in l)
    column = text.splitlines()[typo_line - 1].index("node_memory_MemAvailable") + 1
    assert result.stdout.splitlines()[:3] == [
        f"alerts/node.py:{typo_line}:{column}: [error] unknown metric node_memory_MemAvailabel_bytes; did you mean "
        "node_memory_MemAvailable_bytes? (promql/unknown-metric)",
        f" {typo_line} | " + text.splitlines()[typo_line - 1].replace("MemAvailable_bytes{", "MemAvailabel_bytes{"),
        f" {' ' * len(str(typo_line))} | " + " " * (column - 1) + "^" * len("node_memory_MemAvailabel_bytes")]


def test_github_format_annotates_files(fixture_report, tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    result = run_mac("lint", "--format", "github", cwd=tmp_path / "src")
    assert "::error file=alerts/mistakes.py,line=14,title=alert/severity::alert Paging: severity 'page' is not " \
           "critical, warning or info" in result.stdout.splitlines()


CLEAN_BUT_UNITLESS = {
    "dashboards/d.py": '''
    from monitoring_as_code import Dashboard, Stat

    d = Dashboard("D", "d", panels=[
        Stat("Up", queries=['up{job="node"}'], description="targets up"),
        Stat("Also up", queries=['up{job="node"}'], description="targets up", ignore=("panel/unit",)),
    ])
    ''',
}


def test_rules_can_be_disabled_per_object_and_per_tree(tmp_path):
    write_tree(tmp_path, CLEAN_BUT_UNITLESS)
    result = run_mac("lint", "--format", "json", cwd=tmp_path)
    assert [(p["line"], p["rule"]) for p in json.loads(result.stdout)] == [(4, "panel/unit")]
    assert result.returncode == 0  # warnings only
    assert run_mac("lint", "--fail-on", "warning", cwd=tmp_path).returncode == 1
    (tmp_path / "pyproject.toml").write_text('[tool.mac]\ndisable = ["panel/unit"]\n')
    assert json.loads(run_mac("lint", "--format", "json", cwd=tmp_path).stdout) == []


def test_scrape_interval_and_extra_metrics_come_from_pyproject(tmp_path):
    write_tree(tmp_path, {"alerts/a.py": '''
        from monitoring_as_code import AlertRule

        a = AlertRule(name="Busy", expr="rate(my_jobs_total[2m]) > 1", for_="5m", summary="s",
                      description="{{ $value }}", boundary=False)
        '''})
    problems = json.loads(run_mac("lint", "--format", "json", cwd=tmp_path).stdout)
    assert [p["rule"] for p in problems] == ["promql/unknown-metric"]  # 2m ≥ 4 × 15s
    (tmp_path / "pyproject.toml").write_text('[tool.mac]\nscrape_interval = "1m"\n[tool.mac.metrics]\nmy_jobs_total = "counter"\n')
    problems = json.loads(run_mac("lint", "--format", "json", cwd=tmp_path).stdout)
    assert [p["message"] for p in problems] == ["alert Busy: rate() over [2m] is shorter than 4× the scrape interval (4m)"]


def test_dashboard_queries_use_rate_interval(tmp_path):
    write_tree(tmp_path, {"dashboards/d.py": '''
        from monitoring_as_code import Dashboard, TimeSeries

        d = Dashboard("D", "d", panels=[
            TimeSeries("Rx", queries=['rate(node_network_receive_bytes_total[5m])'], unit="Bps", description="rx"),
            TimeSeries("Tx", queries=['rate(node_network_transmit_bytes_total[$__rate_interval])'], unit="Bps",
                       description="tx"),
        ])
        '''})
    problems = json.loads(run_mac("lint", "--format", "json", cwd=tmp_path).stdout)
    assert [(p["line"], p["message"]) for p in problems] == [
        (4, "panel 'Rx' of dashboard d: rate() over a fixed [5m] window")]


def test_catalog_holds_the_exporters_of_the_spec():
    data = json.loads((ROOT / "monitoring_as_code" / "catalog" / "exporters.json").read_text())
    assert data["versions"]["prometheus-node-exporter"].startswith("1.5.")
    assert data["versions"]["prometheus-postgres-exporter"].startswith("0.11.")
    metrics = data["metrics"]
    for name, source in [("node_filesystem_avail_bytes", "node_exporter"), ("pg_stat_database_numbackends", "postgres_exporter"),
                         ("redis_db_keys", "redis_exporter"), ("nginx_http_requests_total", "nginx_exporter"),
                         ("prometheus_tsdb_head_series", "prometheus"), ("up", "prometheus")]:
        assert metrics[name]["source"] == source, name
    assert metrics["node_cpu_seconds_total"]["type"] == "counter"


def test_catalog_script_reads_the_real_exporters(tmp_path):
    """The shipped catalog can be regenerated: run the script against the real exporters."""
    for binary in ("prometheus-node-exporter", "prometheus-postgres-exporter", "prometheus-redis-exporter",
                   "prometheus-nginx-exporter", "redis-server", "nginx"):
        if shutil.which(binary) is None:
            pytest.fail(f"{binary} is missing: run `make test`, which installs the Debian packages")
    out = tmp_path / "catalog.json"
    result = subprocess.run([sys.executable, "scripts/build_catalog.py", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    fresh = json.loads(out.read_text())["metrics"]
    shipped = json.loads((ROOT / "monitoring_as_code" / "catalog" / "exporters.json").read_text())["metrics"]
    used = {"pg_up", "pg_stat_database_numbackends", "pg_settings_max_connections", "pg_stat_database_blks_hit",
            "redis_up", "redis_memory_used_bytes", "redis_commands_processed_total", "nginx_connections_active",
            "node_filesystem_readonly", "node_memory_MemAvailable_bytes"}
    assert used <= set(fresh) and used <= set(shipped)
    assert {n: fresh[n]["type"] for n in used} == {n: shipped[n]["type"] for n in used}


def test_grafana_variables_become_parseable_placeholders():
    from monitoring_as_code.promql import facts, parse, substitute_grafana_variables

    expr = 'sum(rate(http_requests_total{instance=~"$instance", job!~"${job}", route=~"api$route", status=~"5.."}[$__rate_interval]))'
    assert substitute_grafana_variables(expr) == (
        'sum(rate(http_requests_total{instance="mac_var", job!="mac_var", route=~"apimac_var", status=~"5.."}'
        '[4h44m44s]))')
    found = facts(parse(substitute_grafana_variables(expr)))
    assert found.metric_names == ("http_requests_total",)
    assert found.range_calls == (("rate", 17084.0),)
    assert found.raw_selectors == ()
    # A regex the user wrote is still parsed as one: a broken one is a syntax error.
    with pytest.raises(ValueError):
        parse(substitute_grafana_variables('up{status=~"5(("}'))


def test_facts_tell_raw_counters_from_counted_ones():
    from monitoring_as_code.promql import facts, parse

    found = facts(parse('a_total / count(b_total) + rate(c_total[5m]) + topk(3, d_total) + absent(e_total)'))
    assert found.metric_names == ("a_total", "b_total", "c_total", "d_total", "e_total")
    assert found.raw_selectors == ("a_total", "d_total")
