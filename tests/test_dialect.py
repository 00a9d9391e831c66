"""mac's readers of other formats agree with the real programs: Go templates and PromQL
(functions, regexes, syntax) as promtool 2.42 reads them, the target version from [tool.mac]."""
import subprocess

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_mac, write_tree
from monitoring_as_code import dialect
from monitoring_as_code.formats import gotemplate

TEMPLATES = [
    "{{ $labels.instance }}", "{{ $value | humanize }}", "{{ $value | humanizePercentage }}",
    '{{ "a" | printf "%s" }}', "{{/* a comment */}}", "{{- /* trimmed */ -}}", "{{ .Labels.job }}",
    "{{ $x := 1 }}{{ $x }}", "{{ range $i, $e := $labels }}{{ $e }}{{ end }}", '{{ template "x" }}',
    '{{ define "x" }}a{{ end }}', "{{ with $value }}{{ . }}{{ else }}none{{ end }}", "{{ 'a' }}", "{{ 1e3 }}",
    "{{ 0x1F }}", "{{ (humanize $value) }}", "{{ humanize (1) }}", "{{ range $labels }}{{ break }}{{ end }}",
    "{{ $labels.x.y }}", "{{- 3 -}}", "{{-3}}", "{{ $ }}", "{{ nil }}", "{{ if gt $value 1.0 }}big{{ end }}",
    "{{ if eq $labels.a \"b\" }}x{{ else if eq $labels.a \"c\" }}y{{ end }}", "{{ $externalURL }}",
    '{{ reReplaceAll "a" "b" $labels.x }}', "{{ $value | humanizeDuration }}", "{{ toUpper $labels.job }}",
    # refused:
    "{{ $foo }}", "{{ }}", "{{ if true }}x", "{{ end }}", "{{ else }}", "{{ break }}", "{{ humanise $value }}",
    "{{ $value | toDuration }}", "{{ now }}", "{{ (}}", "{{ ) }}", "{{ $x = 1 }}", "{{ range }}{{ end }}",
    "{{ .Labels.x", "{{/* open", "{{ \"unterminated }}", "{{ $labels.instance | }}", "{{ define }}{{ end }}",
    "plain text", "}} stray", "{{ printf \"%d\" 1 2 }}",
]


def promtool_accepts_template(promtool, tmp_path, text) -> bool:
    doc = {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up == 0", "annotations": {"x": text}}]}]}
    path = tmp_path / "t.yml"
    path.write_text(yaml.safe_dump(doc))
    return subprocess.run([promtool, "check", "rules", str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("text", TEMPLATES)
def test_template_verdicts_agree_with_promtool(promtool, tmp_path, text):
    assert (gotemplate.check(text) is None) == promtool_accepts_template(promtool, tmp_path, text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}$.|()\"' -/*abhumanize1")), max_size=24))
def test_template_checker_never_crashes_and_agrees_with_promtool(promtool, tmp_path_factory, text):
    tmp_path = tmp_path_factory.mktemp("tpl")
    verdict = gotemplate.check(text)
    assert verdict is None or isinstance(verdict.offset, int)
    assert (verdict is None) == promtool_accepts_template(promtool, tmp_path, text), verdict


def promtool_accepts_expr(promtool, tmp_path, expr) -> bool:
    doc = {"groups": [{"name": "g", "rules": [{"record": "r", "expr": expr}]}]}
    path = tmp_path / "r.yml"
    path.write_text(yaml.safe_dump(doc))
    return subprocess.run([promtool, "check", "rules", str(path)], capture_output=True).returncode == 0


ARGUMENTS = {"histogram_quantile": "(0.9, up)", "histogram_fraction": "(0, 1, up)", "clamp": "(up, 0, 1)",
             "clamp_min": "(up, 0)", "clamp_max": "(up, 1)", "holt_winters": "(up[5m], 0.5, 0.5)",
             "label_join": '(up, "a", ",", "b")', "label_replace": '(up, "a", "$1", "b", "(.*)")',
             "predict_linear": "(up[5m], 60)", "quantile_over_time": "(0.5, up[5m])", "round": "(up, 1)",
             "pi": "()", "limitk": "(1, up)", "limit_ratio": "(0.5, up)",
             "double_exponential_smoothing": "(up[5m], 0.5, 0.5)", "time": "()", "scalar": "(up)", "vector": "(1)", "absent": "(up)"}
RANGE = {"changes", "delta", "deriv", "idelta", "increase", "irate", "rate", "resets", "absent_over_time"}


def call_of(name: str) -> str:
    if name in ARGUMENTS:
        return name + ARGUMENTS[name]
    if name in RANGE or name.endswith("_over_time"):
        return f"{name}(up[5m])"
    return f"{name}(up)"


@pytest.mark.parametrize("name", sorted(dialect.FUNCTIONS_2_42 | set(dialect.ADDED)))
def test_function_table_agrees_with_promtool_2_42(promtool, tmp_path, name):
    accepted = dialect.function_problem(name, "2.42") is None
    assert accepted == promtool_accepts_expr(promtool, tmp_path, call_of(name))


REGEXES = ["a|b", "web.*", "(?i)abc", "[[:alpha:]]+", "\\d+", "a{2,5}", "(?P<n>x)", "\\Qa.b\\E", "(?s).",
           "web**", "a{1001}", "(?<name>x)", "(?x)a", "a{2,1}", "a++", "(", "[a-", "\\C", "x{2}{3}"]


@pytest.mark.parametrize("pattern", REGEXES)
def test_regex_verdicts_agree_with_promtool(promtool, tmp_path, pattern):
    expr = 'up{job=~"' + pattern.replace("\\", "\\\\") + '"}'
    assert (dialect.regex_problem(pattern, "2.42") is None) == promtool_accepts_expr(promtool, tmp_path, expr)


TARGET_TREE = """
from monitoring_as_code import AlertRule, RuleGroup

g = RuleGroup("g", [
    AlertRule(name="Trend", expr='holt_winters(node_load1{job="node"}[10m], 0.5, 0.5) > 4', for_="5m",
              summary="s", description="{{ $value }}", runbook_url="https://example.org/x", boundary=False),
    AlertRule(name="Quoted", expr='up{job=~"\\\\\\\\Qapi.v1\\\\\\\\E"} == 0', for_="5m",
              summary="s", description="{{ $value }}", runbook_url="https://example.org/x"),
])
"""


def test_holt_winters_and_literal_regexes_compile_for_2_42_and_promtool_agrees(tmp_path, promtool):
    src = write_tree(tmp_path / "src", {"alerts/a.py": TARGET_TREE})
    result = run_mac("compile", "--require-checkers", "--out", "build", cwd=src)
    assert result.returncode == 0, result.stderr
    rules = (src / "build/prometheus/alert_rules.yml").read_text()
    assert "holt_winters(" in rules and "double_exponential_smoothing" not in rules
    assert subprocess.run([promtool, "check", "rules", str(src / "build/prometheus/alert_rules.yml")]).returncode == 0


def test_holt_winters_is_an_error_for_prometheus_3(tmp_path):
    src = write_tree(tmp_path / "src", {"alerts/a.py": TARGET_TREE, "pyproject.toml": '[tool.mac]\nprometheus = "3.0"\n'})
    result = run_mac("lint", cwd=src)
    assert result.returncode == 1
    assert ("alert Trend: holt_winters was removed in Prometheus 3.0 (renamed double_exponential_smoothing); "
            "the target is 3.0 (promql/dialect)") in result.stdout


NEWER = """
from monitoring_as_code import AlertRule, RuleGroup

g = RuleGroup("g", [
    AlertRule(name="Spread", expr='mad_over_time(node_load1{job="node"}[10m]) > 1', for_="5m", summary="s",
              description="{{ $value }}", runbook_url="https://example.org/x", boundary=False),
    AlertRule(name="Named", expr='up{job=~"(?<j>node)"} == 0', for_="5m", summary="s",
              description="{{ $value }}", runbook_url="https://example.org/x", boundary=False),
])
"""


def test_newer_functions_and_named_groups_follow_the_target(tmp_path):
    src = write_tree(tmp_path / "src", {"alerts/a.py": NEWER})
    old = run_mac("lint", cwd=src)
    assert old.returncode == 1
    assert "alert Spread: mad_over_time is not in Prometheus 2.42 (added in 2.51) (promql/dialect)" in old.stdout
    assert "alert Named: regex '(?<j>node)': (?<name>…) groups are not in the Go regexp of Prometheus 2.42" in old.stdout
    write_tree(src, {"pyproject.toml": '[tool.mac]\nprometheus = "2.53"\n'})
    new = run_mac("lint", cwd=src)
    assert "promql/dialect" not in new.stdout, new.stdout


def test_invalid_regex_is_a_clean_error_and_the_simulator_uses_re2(tmp_path):
    src = write_tree(tmp_path / "src", {"alerts/a.py": NEWER.replace("(?<j>node)", "web**")})
    result = run_mac("compile", "--out", "build", cwd=src)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "regex 'web**': not a valid regular expression: bad repetition operator: **" in result.stderr


def test_quoted_metric_names_need_prometheus_3(tmp_path):
    alert = NEWER.replace("mad_over_time(node_load1{job=\"node\"}[10m])", '{"node_load1", job="node"}')
    src = write_tree(tmp_path / "src", {"alerts/a.py": alert})
    result = run_mac("lint", cwd=src)
    assert "alert Spread: a quoted metric name ({\"name\"}) needs Prometheus 3.0" in result.stdout
