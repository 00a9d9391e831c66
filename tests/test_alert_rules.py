"""Every alert test of the bundled spec, run with the real promtool: one pytest item per test."""
import pytest

from conftest import ROOT
from monitoring_as_code.compiler import compile_tree
from monitoring_as_code.testing.runner import run

COMPILED = compile_tree(str(ROOT))
TESTS = list(COMPILED.definitions.tests)


@pytest.fixture(scope="module")
def results(promtool):
    assert COMPILED.ok, [p.text() for p in COMPILED.problems]
    return {id(r.test): r for r in run(COMPILED.files, COMPILED.definitions, promtool=promtool)}


def test_every_alert_has_generated_and_written_tests():
    alerts = {a.name for a in COMPILED.definitions.alerts}
    burn_rates = {a.name for a in COMPILED.definitions.alerts if "_slo" in a.__dict__}
    assert len(alerts) == 18 and len(burn_rates) == 8  # the nine of the spec, TargetDown, two SLOs' tiers
    assert {t.alert.name for t in TESTS if t.generated} == alerts
    # Hand-written tests for the threshold alerts; the SLOs' tiers are proven by derived ones.
    assert {t.alert.name for t in TESTS if not t.generated} == alerts - burn_rates


@pytest.mark.parametrize("test", TESTS, ids=[f"{t.alert.name}: {t.name}{' (generated)' if t.generated else ''}"
                                             for t in TESTS])
def test_alert(test, results):
    result = results[id(test)]
    assert result.passed, f"{test.alert.name} / {test.name} ({test.source})\n" + "\n".join(result.failures)
