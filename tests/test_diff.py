"""mac diff on temporary git repositories: compiled objects compared, in words a reviewer reads."""
import json
import subprocess

import pytest

from conftest import ROOT, run_mac


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=mac@test", "-c", "user.name=mac", *args],
                   check=True, capture_output=True)


@pytest.fixture
def repo(bundled_copy):
    (bundled_copy / "stack.py").write_text((ROOT / "stack.py").read_text())
    git(bundled_copy, "init", "-q", "-b", "main")
    git(bundled_copy, "add", "-A")
    git(bundled_copy, "commit", "-qm", "base")
    git(bundled_copy, "checkout", "-q", "-b", "change")
    return bundled_copy


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_only_a_threshold_changed(repo):
    edit(repo / "alerts" / "node.py", "* 100 < 15", "* 100 < 10")
    result = run_mac("diff", "--format", "text", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "DiskSpaceLow: threshold < 15 → < 10  [threshold loosened: fires less often]",
        "    panel mac-system / Disk used per mountpoint follows: red from 85 → red from 90",
        "    panel mac-system / Fullest disk follows: red from 85 → red from 90",
    ]
    git(repo, "commit", "-qam", "loosen")  # committed: compare two refs
    refs = run_mac("diff", "--base", "main", "--head", "change", "--format", "json", cwd=repo)
    changes = json.loads(refs.stdout)
    assert [(c["subject"], c["field"], c["before"], c["after"], c["risk"]) for c in changes] == [
        ("DiskSpaceLow", "threshold", 15.0, 10.0, "threshold loosened: fires less often")]


def test_reordering_definitions_changes_nothing(repo):
    node = repo / "alerts" / "node.py"
    edit(node, "node = RuleGroup(\"node\", [disk_space_low, high_cpu_usage, high_memory_usage])",
         "node = RuleGroup(\"node\", [high_memory_usage, disk_space_low, high_cpu_usage])")
    text = node.read_text()
    cpu = text[text.index("high_cpu_usage = AlertRule("):text.index("high_memory_usage = AlertRule(")]
    node.write_text(text.replace(cpu, "").replace("node = RuleGroup(", cpu + "node = RuleGroup("))
    (repo / "dashboards" / "a_nginx.py").write_text((repo / "dashboards" / "nginx.py").read_text())  # loads first now
    (repo / "dashboards" / "nginx.py").unlink()
    result = run_mac("diff", "--exit-code", cwd=repo)
    assert (result.returncode, result.stdout.strip()) == (0, "No changes."), result.stderr


def test_renamed_alert_removed_panel_lowered_severity(repo):
    edit(repo / "alerts" / "node.py", 'name="HighCPUUsage"', 'name="CPUSaturated"')
    edit(repo / "alerts" / "postgres.py", 'for_="1m",\n    severity="critical"', 'for_="3m",\n    severity="warning"')
    redis = repo / "dashboards" / "redis.py"
    text = redis.read_text()
    start = text.index('            TimeSeries("Keys per database"')
    redis.write_text(text[:start] + text[text.index('            TimeSeries("Connected clients"'):])
    result = run_mac("diff", "--exit-code", cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "alert HighCPUUsage renamed to CPUSaturated" in lines
    assert "PostgreSQLDown: for 1m → 3m  [for lengthened: pages later]" in lines
    assert "PostgreSQLDown: severity critical → warning  [severity lowered]" in lines
    assert "panel mac-redis / Keys per database: removed" in lines
    assert ("mac-redis / Connected clients (timeseries): moved from x=12 y=14 (12×8) to x=0 y=14 (12×8)"
            in lines)


def test_markdown_for_a_pull_request(repo):
    edit(repo / "alerts" / "api.py", "> 100'", "> 150'")
    (repo / "alerts" / "redis.py").unlink()
    (repo / "dashboards" / "redis.py").unlink()
    result = run_mac("diff", "--format", "markdown", cwd=repo)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("### mac diff\n\n| what | changes |\n|---|---|\n| alerts | 2 |\n| dashboards | 1 |")
    assert "- ⚠️ `RedisDown`: alert removed: nothing watches this any more" in text
    assert "- ⚠️ `JobQueueBacklog`: threshold loosened: fires less often" in text


def test_a_query_on_a_metric_missing_from_the_catalog_is_flagged(repo):
    (repo / "pyproject.toml").write_text('[tool.mac.metrics]\nshiny_new_metric = "gauge"\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "declare")
    edit(repo / "dashboards" / "nginx.py", 'Query(f"nginx_connections_active{{{N}}}", legend="{{instance}} active")',
         'Query(f"nginx_connections_activ{{{N}}}", legend="{{instance}} active")')
    (repo / "pyproject.toml").write_text('[tool.mac]\ndisable = ["promql/unknown-metric"]\n')
    result = run_mac("diff", "--base", "change", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert ("mac-nginx / Connections: query — → nginx_connections_activ  "
            "[query uses nginx_connections_activ, missing from the metric catalog]") in result.stdout.splitlines()


def test_outside_git_is_a_usage_error(tmp_path):
    result = run_mac("diff", cwd=tmp_path)
    assert result.returncode == 2 and "mac:" in result.stderr


def test_a_revision_that_does_not_pass_lint_is_named(repo):
    """The base revision is checked in a forked process, the head in this one: a problem in
    either is reported with its line, and the diff stops."""
    edit(repo / "alerts" / "node.py", "* 100 < 15", "* 100 <")
    git(repo, "commit", "-qam", "broken")
    git(repo, "checkout", "-q", "-b", "fixed")
    edit(repo / "alerts" / "node.py", "* 100 <", "* 100 < 12")
    git(repo, "commit", "-qam", "fixed")
    broken_base = run_mac("diff", "--base", "change", "--head", "fixed", cwd=repo)
    assert broken_base.returncode == 1
    # Named as in the repository, not by the temporary checkout's path.
    assert broken_base.stderr.startswith("alerts/node.py:53: [error] ValueError while importing alerts/node.py")
    assert "mac: change does not compile" in broken_base.stderr
    broken_head = run_mac("diff", "--base", "main", "--head", "change", cwd=repo)
    assert broken_head.returncode == 1
    assert "mac: change does not compile" in broken_head.stderr
    fine = run_mac("diff", "--base", "main", "--head", "fixed", "--format", "text", cwd=repo)
    assert fine.returncode == 0, fine.stderr
    assert fine.stdout.splitlines()[0] == "DiskSpaceLow: threshold < 15 → < 12  [threshold loosened: fires less often]"


def test_switching_the_grafana_version_changes_no_meaning(repo):
    """grafana = "12" → "13": the dashboards are written in another form, and mean the same."""
    (repo / "pyproject.toml").write_text('[tool.mac]\ngrafana = "12"\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "grafana 12")
    (repo / "pyproject.toml").write_text('[tool.mac]\ngrafana = "13"\n')
    result = run_mac("diff", "--base", "HEAD", "--exit-code", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "No changes.",
        "Output format changed: dashboards for Grafana 12 (dashboard.grafana.app/v1beta1 resources) → "
        "Grafana 13 (dashboard.grafana.app/v2 resources); the dashboards are the same.",
    ]
    assert json.loads(run_mac("diff", "--base", "HEAD", "--format", "json", cwd=repo).stdout) == []


def test_moving_a_dashboard_to_a_folder_is_a_change(repo):
    edit(repo / "dashboards" / "redis.py", "from monitoring_as_code import ", "from monitoring_as_code import Folder, ")
    edit(repo / "dashboards" / "redis.py", "Dashboard(", 'Dashboard(folder=Folder("Databases"), ')
    result = run_mac("diff", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["mac-redis: folder (default folder) → Databases"]


def test_slo_changes_in_slo_terms(repo):
    edit(repo / "alerts" / "slos.py", "objective=99.9,", "objective=99.5,")
    edit(repo / "alerts" / "slos.py", "from monitoring_as_code import SLO, Latency, Ratio",
         "from monitoring_as_code import SLO, BurnRate, Latency, Ratio")
    edit(repo / "alerts" / "slos.py", 'runbook_url=runbook("ApiLatencyBurnRate"),',
         'runbook_url=runbook("ApiLatencyBurnRate"), alerts=BurnRate(ticket=False),')
    result = run_mac("diff", "--base", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "SLO api-availability: objective 99.9 → 99.5: error budget ×5  [objective lowered: more errors before any alert]",
        "SLO api-latency / ticket 1d/2h tier: removed  [ticket tier removed]",
        "SLO api-latency / ticket 3d/6h tier: removed  [ticket tier removed]",
    ]
