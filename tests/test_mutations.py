"""Tests with teeth: mutate a bundled alert's threshold, comparison or `for` in its source and
the alert tests must fail. (Generated boundary tests follow the mutated rule; the spec tests
written next to the rules are what catch it.)"""
import pytest

from conftest import run_mac
from monitoring_as_code.compiler import compile_tree
from monitoring_as_code.testing.runner import run

# alert: (file, threshold mutation, comparison flip, `for` shortened), each (old, new) after name="…"
MUTATIONS = {
    "DiskSpaceLow": ("node.py", ("< 15", "< 20"), ("< 15", "> 15"), ('for_="5m"', 'for_="4m"')),
    "HighCPUUsage": ("node.py", ("> 80", "> 90"), ("> 80", "< 80"), ('for_="5m"', 'for_="3m"')),
    "HighMemoryUsage": ("node.py", ("> 85", "> 80"), ("> 85", "< 85"), ('for_="5m"', 'for_="4m"')),
    "PostgreSQLDown": ("postgres.py", (") < 1", ") < 0"), (") < 1", ") > 1"), ('for_="1m"', 'for_="0s"')),
    "TooManyDBConnections": ("postgres.py", ("> 80", "> 100"), ("> 80", "< 80"), ('for_="5m"', 'for_="2m"')),
    "RedisDown": ("redis.py", ("< 1", "< 0"), ("< 1", "> 1"), ('for_="1m"', 'for_="0s"')),
    "HighErrorRate": ("api.py", ("> 0.1", "> 0.2"), ("> 0.1", "< 0.1"), ('for_="5m"', 'for_="4m"')),
    "SlowResponseTime": ("api.py", ("> 2", "> 3"), ("> 2", "< 2"), ('for_="5m"', 'for_="1m"')),
    "JobQueueBacklog": ("api.py", ("> 100", "> 150"), ("> 100", "< 100"), ('for_="10m"', 'for_="5m"')),
    "TargetDown": ("targets.py", ("== 0", "== 1"), ("== 0", "!= 0"), ('for_="1m"', 'for_="0s"')),
}
CASES = [(alert, kind, index) for alert in MUTATIONS
         for index, kind in enumerate(("threshold", "comparison", "for"), start=1)]


def mutate(path, alert, old, new):
    text = path.read_text()
    start = text.index(f'name="{alert}"')
    end = text.find("AlertRule(", start)
    at = text.index(old, start)
    assert end == -1 or at < end, f"{old!r} not in the definition of {alert}"
    path.write_text(text[:at] + new + text[at + len(old):])


@pytest.mark.parametrize("alert, kind, index", CASES, ids=[f"{a}-{k}" for a, k, _ in CASES])
def test_mutated_alert_fails_its_tests(bundled_copy, promtool, alert, kind, index):
    spec = MUTATIONS[alert]
    mutate(bundled_copy / "alerts" / spec[0], alert, *spec[index])
    compiled = compile_tree(str(bundled_copy))
    assert compiled.ok, [p.text() for p in compiled.problems]
    results = run(compiled.files, compiled.definitions, promtool=promtool)
    failed = [r for r in results if not r.passed]
    assert failed, f"{alert} with its {kind} mutated still passes every test"
    # The other alerts still pass; name any that does not, with what promtool said.
    assert {r.alert for r in failed} == {alert}, [(r.alert, r.test.name, r.failures) for r in failed if r.alert != alert]


def test_mac_test_exits_1_on_the_issues_mutation(bundled_copy, promtool):
    mutate(bundled_copy / "alerts" / "node.py", "DiskSpaceLow", "< 15", "< 20")
    result = run_mac("test", cwd=bundled_copy)
    assert result.returncode == 1
    assert "FAIL  stays quiet at 16 (not < 15)  (written at alerts/node.py:" in result.stdout
    assert "expected neither pending nor firing from 2m to 16m, but it was" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("failed") and " 0 failed" not in result.stdout
