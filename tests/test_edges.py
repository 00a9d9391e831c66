"""Strict at the edges (issue 12): every value that lands in a configuration format is valid
there with the meaning the user wrote, or the compile fails at the user's line, with every
problem at once, exit 1 and build/ untouched. Each test names what it protects."""
import json
import os
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, run_mac, tree_bytes, write_tree

ALERT = """
from monitoring_as_code import AlertRule, RuleGroup

g = RuleGroup("g", [
    AlertRule(name="A", expr='up{job="node"} == 0', for_="1m", summary="s", description="{{ $value }}",
              runbook_url="https://example.org/A"),
])
"""


def stack_py(**fields) -> str:
    """stack.py with the bundled settings but for `fields` (keyword=Python source text)."""
    base = {
        "jobs": '[ScrapeJob("node", ["127.0.0.1:9100"])]',
        "alertmanager": 'Alertmanager(email=Email(to="oncall@example.com", sender="alerts@example.com", '
                        'username="alerts@example.com", password_file="/etc/alertmanager/smtp_password"))',
        "nginx": "Nginx()",
        "grafana": "Grafana()",
    }
    base.update(fields)
    body = ",\n    ".join(f"{k}={v}" for k, v in base.items())
    return ("from monitoring_as_code.stack import Alertmanager, Email, Grafana, Nginx, Route, ScrapeJob, Sentry, Stack\n"
            f"stack = Stack(\n    {body},\n)\n")


def tree(tmp_path, stack: str = None, alerts: str = ALERT, extra: dict = None):
    files = {"alerts/a.py": alerts}
    if stack is not None:
        files["stack.py"] = stack
    files.update(extra or {})
    return write_tree(tmp_path / "src", files)


def compiled_then(tmp_path, change: dict):
    """A good compile into build/, then the change: (result of compiling again, build before)."""
    src = tree(tmp_path, stack_py())
    first = run_mac("compile", "--out", "build", cwd=src)
    assert first.returncode == 0, first.stderr
    before = tree_bytes(src / "build")
    write_tree(src, change)
    return run_mac("compile", "--out", "build", cwd=src), before, src


def assert_refused(result, before, src, *expected):
    """Exit 1, each expected text in a problem line at a file:line, build/ as it was."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert any(text in line and line.split(":")[1].isdigit() for line in result.stderr.splitlines()), \
            (text, result.stderr)
    assert tree_bytes(src / "build") == before
    assert not [p for p in os.listdir(src) if p.startswith((".mac-new-", ".mac-old-"))]


# -- Nginx: one string must not switch off auth or open /metrics ----------------------------
@pytest.mark.parametrize("field, value, message", [
    ("htpasswd_file", "/etc/nginx/x; satisfy any", "Nginx htpasswd_file '/etc/nginx/x; satisfy any' is not an absolute"),
    ("htpasswd_file", "relative/htpasswd", "Nginx htpasswd_file 'relative/htpasswd' is not an absolute file path"),
    ("prometheus_upstream", "127.0.0.1:9090; auth_basic off", "Nginx prometheus_upstream '127.0.0.1:9090; auth_basic off'"),
    ("metrics_upstream", "127.0.0.1:99999", "port '99999' is not a number from 1 to 65535"),
])
def test_nginx_values_cannot_smuggle_directives(tmp_path, field, value, message):
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(nginx=f"Nginx({field}={value!r})")})
    assert_refused(result, before, src, message)


@pytest.mark.parametrize("entry", ["10.0.0.0/8; allow all", "all", "10.0.0.1/8", "localhost", "10.0.0.0/33"])
def test_metrics_allow_list_takes_addresses_and_networks_only(tmp_path, entry):
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(nginx=f"Nginx(metrics_allow=[{entry!r}])")})
    assert_refused(result, before, src, f"Nginx metrics_allow entry {entry!r}")


def test_allow_all_needs_the_opt_in_and_is_flagged(tmp_path):
    src = tree(tmp_path, stack_py(nginx='Nginx(metrics_allow=["all"], metrics_allow_all=True)'))
    result = run_mac("compile", "--out", "build", cwd=src)
    assert result.returncode == 0, result.stderr
    assert "[warning] Nginx serves /metrics to every address (metrics_allow all) (stack/allow-all)" in result.stderr
    assert "        allow all;\n        deny all;" in (src / "build/nginx/monitoring.conf").read_text()


def test_prometheus_external_path_is_a_url_path(tmp_path):
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(prometheus_external_path='"/x/ { }"')})
    assert_refused(result, before, src, "Stack prometheus_external_path '/x/ { }' is not a URL path")


def test_nginx_writer_refuses_even_with_the_rule_disabled(tmp_path):
    """A lint rule can be turned off; the writer cannot."""
    result, before, src = compiled_then(tmp_path, {
        "stack.py": stack_py(nginx='Nginx(htpasswd_file="/x; satisfy any")'),
        "pyproject.toml": '[tool.mac]\ndisable = ["stack/nginx"]\n'})
    assert_refused(result, before, src, "refusing to write '/x; satisfy any' into nginx's auth_basic_user_file")


# -- grafana.ini: one writer, no new lines, no expansions -----------------------------------
@pytest.mark.parametrize("grafana, message", [
    ('Grafana(folder="mac\\n[security]\\nadmin_password = x")', "Grafana folder"),
    ('Grafana(root_url="https://example.com/grafana/\\n[auth.anonymous]\\nenabled = true")', "Grafana root_url"),
    ('Grafana(root_url="https://${GF_HOST}/grafana/")', "holds $, which Grafana expands"),
    ('Grafana(datasource_name="Prom ; comment")', "holds ; or # after white space"),
])
def test_grafana_ini_values_are_one_plain_line(tmp_path, grafana, message):
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(grafana=grafana)})
    assert_refused(result, before, src, message)


def test_smtp_user_cannot_add_an_ini_section(tmp_path):
    email = ('Alertmanager(email=Email(to="a@example.com", sender="b@example.com", username="u\\n[security]", '
             'password_file="/etc/p"))')
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(alertmanager=email)})
    assert_refused(result, before, src, "Email username 'u\\n[security]' holds a control character")


# -- secrets are referenced, never values ----------------------------------------------------
def test_password_file_must_be_an_absolute_path(tmp_path):
    email = ('Alertmanager(email=Email(to="a@example.com", sender="b@example.com", username="u", '
             'password_file="secrets/smtp"))')
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(alertmanager=email)})
    assert_refused(result, before, src, "Email password_file 'secrets/smtp' is not an absolute file path")


def test_a_pasted_smtp_key_is_an_error_and_is_not_echoed(tmp_path):
    key = "xsmtpsib-3f9a0c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2-AbCdEfGh"
    email = f'Alertmanager(email=Email(to="a@example.com", sender="b@example.com", username="u", password_file={key!r}))'
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(alertmanager=email)})
    assert_refused(result, before, src, "Email password_file 'xsmt…' looks like the secret itself")
    assert key not in result.stderr + result.stdout


@pytest.mark.parametrize("dsn_env, message", [
    ("'https://0123456789abcdef@o1.ingest.sentry.io/42'", "looks like the secret itself"),
    ("'SENTRY DSN'", "is not an environment variable name"),
])
def test_dsn_env_is_a_variable_name(tmp_path, dsn_env, message):
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(sentry=f"Sentry(dsn_env={dsn_env})")})
    assert_refused(result, before, src, message)
    assert "0123456789abcdef" not in result.stderr


def test_swift_literals_are_escaped(tmp_path):
    src = tree(tmp_path, stack_py(sentry='Sentry(environment=\'prod"; import Evil //\', release="1.0\\\\(x)")'))
    result = run_mac("compile", "--out", "build", cwd=src)
    assert result.returncode == 0, result.stderr
    swift = (src / "build/sentry/ios/SentryConfig.swift").read_text()
    assert 'static let environment = "prod\\"; import Evil //"' in swift
    assert 'options.releaseName = "1.0\\\\(x)"' in swift  # no interpolation


# -- Prometheus and Alertmanager settings ---------------------------------------------------
@pytest.mark.parametrize("stack, message", [
    ({"jobs": '[ScrapeJob("node", ["http://127.0.0.1:9100"])]'}, "target 'http://127.0.0.1:9100' has a scheme"),
    ({"jobs": '[ScrapeJob("node", ["127.0.0.1:9100"]), ScrapeJob("node", ["127.0.0.1:9101"])]'},
     "ScrapeJob 'node' is already defined at stack.py:"),
    ({"scrape_interval": '"10s"', "scrape_timeout": '"15s"'}, "scrape_timeout 15s is longer than scrape_interval 10s"),
    ({"scrape_interval": '"15s\\n"'}, "Stack scrape_interval '15s\\n' is not a Prometheus duration"),
    ({"alertmanager": 'Alertmanager(routes=[Route("critical", "10s", "1m", "1h"), Route("critical", "1m", "5m", "4h")])'},
     "Route for severity 'critical' is already defined"),
    ({"alertmanager": 'Alertmanager(routes=[Route(\'critical"} or {a="\', "10s", "1m", "1h")])'},
     "is not a plain severity value"),
    ({"alertmanager": 'Alertmanager(targets=["127.0.0.1"])'}, "Alertmanager target '127.0.0.1' is not host:port"),
])
def test_prometheus_and_alertmanager_settings_are_checked(tmp_path, stack, message):
    result, before, src = compiled_then(tmp_path, {"stack.py": stack_py(**stack)})
    assert_refused(result, before, src, message)


# -- rules: names, templates, one severity, finite numbers ----------------------------------
def rule_tree(**fields) -> str:
    """An alert module whose one rule has `fields` (keyword=Python source text)."""
    args = {"name": "'A'", "expr": "'up{job=\"node\"} == 0'", "for_": "'1m'", "summary": "'s'",
            "description": "'{{ $value }}'", "runbook_url": "'https://example.org/A'", **fields}
    return ("from monitoring_as_code import AlertRule, RuleGroup\n"
            f"g = RuleGroup('g', [AlertRule({', '.join(f'{k}={v}' for k, v in args.items())})])\n")


@pytest.mark.parametrize("fields, message", [
    ({"labels": "{'team-name': 'ops'}"}, "label name 'team-name' is not a label name"),
    ({"labels": "{'__name__': 'x'}"}, "label name '__name__' starts with __"),
    ({"annotations": "{'runbook-link': 'x'}"}, "annotation name 'runbook-link' is not a label name"),
    ({"labels": "{'team': 3}"}, "label team is a int, not a string"),
    ({"summary": "'{{ $labels.instance | humanise }}'"}, "function 'humanise' not defined"),
    ({"summary": "'{{ if $value }}high'"}, "unexpected EOF"),
    ({"summary": "'{{ $foo }}'"}, "undefined variable '$foo'"),
    ({"labels": "{'severity': 'critical'}"}, "labels say severity 'critical', severity= says 'warning'"),
    ({"for_": "'5m\\n'"}, "for '5m\\n' is not a duration"),
])
def test_rule_values_are_what_prometheus_loads(tmp_path, fields, message):
    result, before, src = compiled_then(tmp_path, {"alerts/a.py": rule_tree(**fields)})
    assert_refused(result, before, src, message)


@pytest.mark.parametrize("expr", ["up > NaN", "up < Inf", "up > -Inf"])
def test_nan_and_infinite_thresholds_are_errors(tmp_path, expr):
    alerts = rule_tree(expr=repr(expr))
    result, before, src = compiled_then(tmp_path, {"alerts/a.py": alerts})
    assert_refused(result, before, src, "which can never mean a threshold (value/finite)")


def test_nan_panel_threshold_is_an_error(tmp_path):
    dash = ("from monitoring_as_code import Dashboard, Stat, Threshold\n"
            "d = Dashboard(title='D', uid='d', panels=[Stat('S', queries=['up'], unit='none', description='x',\n"
            "    thresholds=[Threshold(None, 'green'), Threshold(float('nan'), 'red')])])\n")
    result, before, src = compiled_then(tmp_path, {"dashboards/d.py": dash})
    assert_refused(result, before, src, "panel 'S': threshold nan (red)")


def test_empty_dashboard_title_is_an_error(tmp_path):
    dash = "from monitoring_as_code import Dashboard\nd = Dashboard(title='  ', uid='d')\n"
    result, before, src = compiled_then(tmp_path, {"dashboards/d.py": dash})
    assert_refused(result, before, src, "dashboards/d.py:2: [error] dashboard d: title '  ' is empty")


# -- types and order ------------------------------------------------------------------------
TYPES = """
from monitoring_as_code import AlertRule, Dashboard, RuleGroup, Stat

one_panel = Dashboard(title="T", uid="t", panels=Stat("x", queries=["up"]))
bare_tag = Dashboard(title="T2", uid="t2", tags="node")
a_set = Dashboard(title="T3", uid="t3", tags={"node", "api"})
width = Dashboard(title="T4", uid="t4", panels=[Stat("x", queries=["up"], width="6", unit="none", description="d")])
one_rule = RuleGroup("g2", AlertRule(name="B", expr="up == 0", for_="1m", summary="s", description="{{ $value }}"))
label_list = RuleGroup("g3", [AlertRule(name="C", expr="up == 0", for_="1m", labels=["team"], summary="s",
                                        description="{{ $value }}")])
"""


def test_wrong_types_are_model_type_errors_at_their_lines(tmp_path):
    src = write_tree(tmp_path / "src", {"dashboards/types.py": TYPES})
    result = run_mac("lint", "--format", "json", cwd=src)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = [(p["line"], p["message"]) for p in json.loads(result.stdout) if p["rule"] == "model/type"]
    assert found == [
        (3, "Dashboard.panels is a Stat, not a list"),
        (4, "Dashboard.tags is the string 'node', not a list (a string would be read as its characters): write ['node']"),
        (5, "Dashboard.tags is a set, which has no order (the output would change from run to run): use a list"),
        (6, "Stat.width is the string '6', not a whole number"),
        (7, "RuleGroup.rules is an AlertRule, not a list"),
        (8, "AlertRule.labels is a list, not a dict"),
    ]


def test_output_does_not_depend_on_the_hash_seed(bundled_copy):
    (bundled_copy / "stack.py").write_text((ROOT / "stack.py").read_text())
    trees = []
    for seed in ("0", "1", "4242", "random"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = bundled_copy / f"out-{seed}"
        done = subprocess.run([sys.executable, "-m", "monitoring_as_code", "compile", "--no-cache", "--out", str(out)],
                              cwd=bundled_copy, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        trees.append(tree_bytes(out))
    assert all(t == trees[0] for t in trees[1:])


# -- definition modules cannot derail the compiler ------------------------------------------
HOSTILE = {
    "alerts/exits.py": "import sys\nsys.exit(3)\n",
    "alerts/moves.py": "import os\nos.chdir('/')\n",
    "alerts/deep.py": "def f(n):\n    return f(n + 1)\n\nf(0)\n",
    "alerts/talks.py": "print('hello from a definition module')\n",
    "dashboards/interrupts.py": "raise KeyboardInterrupt\n",
    "alerts/ok.py": ALERT,
}
HOSTILE_PROBLEMS = [
    ("alerts/deep.py", 2, "load/exception", "alerts/deep.py recursed too deeply while it was imported"),
    ("alerts/exits.py", 2, "load/exit", "alerts/exits.py called exit(3) while it was imported"),
    ("alerts/moves.py", 2, "load/chdir", "alerts/moves.py changes the working directory (os.chdir)"),
    ("alerts/talks.py", 1, "load/print", "alerts/talks.py printed 31 character(s) while it was imported (shown on stderr)"),
    ("dashboards/interrupts.py", 1, "load/exception", "KeyboardInterrupt while importing dashboards/interrupts.py: "),
]


def test_hostile_modules_are_problems_at_their_lines_and_json_stays_json(tmp_path):
    src = write_tree(tmp_path / "src", HOSTILE)
    result = run_mac("lint", "--format", "json", cwd=src)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    problems = json.loads(result.stdout)  # printing went to stderr
    assert [(p["file"], p["line"], p["rule"], p["message"]) for p in problems] == HOSTILE_PROBLEMS
    assert "hello from a definition module" in result.stderr


def test_hostile_modules_give_the_same_problems_in_parallel(tmp_path, monkeypatch):
    from monitoring_as_code import parallel
    from monitoring_as_code.compiler import compile_tree
    from monitoring_as_code.diagnostics import render

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    src = write_tree(tmp_path / "src", HOSTILE)
    monkeypatch.chdir(src)
    cwd = os.getcwd()
    one = compile_tree(".")
    many = compile_tree(".", parallel=True)
    assert many.dashboard_count is not None
    assert render(many.problems) == render(one.problems)
    assert [(p.source.file, p.rule) for p in one.problems] == [(f, r) for f, _, r, _ in HOSTILE_PROBLEMS]
    assert os.getcwd() == cwd


# -- what goes to git -----------------------------------------------------------------------
def test_diff_refuses_revisions_that_look_like_options(tmp_path):
    repo = write_tree(tmp_path / "repo", {"alerts/a.py": ALERT})
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    target = tmp_path / "pwned"
    result = run_mac("diff", f"--base=--output={target}", "--head", "HEAD", cwd=repo)
    assert result.returncode == 2
    assert f"mac: '--output={target}' is not a revision (revisions cannot start with '-')" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_test_jobs_takes_positive_integers_only(tmp_path, jobs):
    src = tree(tmp_path)
    result = run_mac("test", "--jobs", jobs, cwd=src)
    assert result.returncode == 2
    assert "Invalid value for '--jobs'" in result.stderr


def test_config_values_are_checked_at_their_line(tmp_path):
    src = tree(tmp_path, extra={"pyproject.toml": '[tool.mac]\nscrape_interval = "fast"\nprometheus = "two"\n'})
    result = run_mac("lint", cwd=src)
    assert result.returncode == 1
    assert "pyproject.toml:2: [error] [tool.mac] scrape_interval 'fast' is not a Prometheus duration" in result.stdout
    assert "pyproject.toml:3: [error] [tool.mac] prometheus 'two' is not a Prometheus version from 2.42 on" in result.stdout


def test_rendered_rule_keeps_labels_and_threshold_as_written(tmp_path):
    alerts = rule_tree(labels="{'team': 'ops', 'tier': '1'}").replace("== 0", "> 0.125")
    src = tree(tmp_path, alerts=alerts)
    assert run_mac("compile", "--out", "build", cwd=src).returncode == 0
    rule = yaml.safe_load((src / "build/prometheus/alert_rules.yml").read_text())["groups"][0]["rules"][0]
    assert rule["labels"] == {"severity": "warning", "team": "ops", "tier": "1"}
    assert rule["expr"] == 'up{job="node"} > 0.125'
