"""`mac import rules` (issue 14): the three input forms, exact labels and annotations, errors at
file and line with nothing written, the round trip, and the corpus's rule files."""
import re
import shutil

import pytest

from conftest import ROOT, run_mac
from monitoring_as_code.importers.run import rules as import_rules

RULES = ROOT / "tests" / "fixtures" / "import" / "rules"
MIXINS = ROOT.parent / "shared" / "corpus" / "mixins"


def test_a_rule_file_becomes_readable_python_with_exact_labels(tmp_path):
    result = import_rules([str(RULES / "api.rules.yml")], str(tmp_path / "alerts"), check=True)
    assert not result.problems and not result.differences
    source = result.files[str(tmp_path / "alerts" / "api_rules.py")]
    assert 'severity="critical"' in source
    assert 'labels={"paging": "true", "priority": "1", "team": "api"}' in source
    assert 'severity=""' in source  # NoSeverity gets no severity label from mac's default
    assert 'expr="""\n        sum(rate(http_requests_total{status=~"5.."}[5m]))\n' in source
    assert 'RuleGroup(\n    "api",' in source and 'interval="30s"' in source and "limit=10" in source
    compile(source, "api_rules.py", "exec")


def test_prometheusrule_documents_and_mimir_namespaces(tmp_path):
    result = import_rules([str(RULES / "prometheusrule.yaml"), str(RULES / "mimir.yaml")], str(tmp_path), check=True)
    assert not result.problems and not result.differences
    text = "".join(result.files.values())
    assert "RedisDown" in text and "RedisMemoryHigh" in text and 'keep_firing_for="5m"' in text
    assert 'query_offset="1m"' in text


def test_the_imported_tree_compiles_and_its_rules_are_the_input(tmp_path, promtool):
    run = run_mac("import", "rules", str(RULES / "api.rules.yml"), str(RULES / "prometheusrule.yaml"),
                  "--check", "--add-metrics", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "round trip: no difference" in run.stdout
    assert '"http_requests_total" = "untyped"' in (tmp_path / "pyproject.toml").read_text()
    run = run_mac("compile", "--require-checkers", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "[error]" not in run.stderr
    written = (tmp_path / "build" / "prometheus" / "alert_rules.yml").read_text()
    assert "paging: 'true'" in written and "dashboard: https://grafana.example.org/d/api" in written


def test_query_offset_needs_a_prometheus_that_has_it(tmp_path):
    run = run_mac("import", "rules", str(RULES / "mimir.yaml"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    run = run_mac("compile", cwd=tmp_path)
    assert run.returncode == 1 and "query_offset needs Prometheus 2.53 or newer" in run.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.mac]\nprometheus = "2.53"\n')
    run = run_mac("lint", cwd=tmp_path)
    assert "query_offset" not in run.stderr


@pytest.mark.parametrize("content, expected", [
    ("groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: up\n        labes: {a: b}\n",
     r"bad\.yml: line 4: unknown keys in an alerting rule: labes"),
    ("groups:\n  - name: x\n    rules:\n      - alert: A\n", r"bad\.yml: line 4: a rule needs an expr"),
    ("groups: [\n", r"bad\.yml: line 2: not YAML"),
    ("scrape_configs: []\n", r"bad\.yml: line 1: not a rule file"),
    ("groups:\n  - name: x\n    partial_response_strategy: warn\n    rules: []\n",
     r"bad\.yml: line 2: group keys mac cannot hold: partial_response_strategy"),
])
def test_bad_rule_files_write_nothing(tmp_path, content, expected):
    (tmp_path / "in").mkdir()
    shutil.copy(RULES / "api.rules.yml", tmp_path / "in" / "good.yml")
    (tmp_path / "in" / "bad.yml").write_text(content)
    run = run_mac("import", "rules", str(tmp_path / "in"), "--out", str(tmp_path / "alerts"), cwd=tmp_path)
    assert run.returncode == 1
    assert re.search(expected, run.stderr), run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "alerts").exists()


def test_same_group_names_are_told_apart_and_shared_rules_kept_once(tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        shutil.copy(RULES / "api.rules.yml", tmp_path / d / "rules.yml")
    (tmp_path / "b" / "rules.yml").write_text((RULES / "api.rules.yml").read_text().replace("NoSeverity", "Other"))
    result = import_rules([str(tmp_path / "a"), str(tmp_path / "b")], str(tmp_path / "alerts"), check=True)
    assert not result.differences
    second = result.files[str(tmp_path / "alerts" / "b_rules.py")]
    assert '"b_rules/api"' in second and "Other" in second and "HighErrorRate" not in second
    assert any("kept once" in n for n in result.notes) and any("name is taken" in n for n in result.notes)


@pytest.mark.skipif(not MIXINS.is_dir(), reason="../shared/corpus/mixins is not here")
def test_corpus_rule_files_import_and_round_trip(tmp_path):
    files = sorted(str(p) for p in MIXINS.glob("*/*.yaml"))
    assert len(files) == 198
    result = import_rules(files, str(tmp_path / "alerts"), check=True)
    assert result.problems == [] and result.differences == []
    rules = sum(s.count("= AlertRule(") + s.count("= RecordingRule(") for s in result.files.values())
    assert rules >= 890
