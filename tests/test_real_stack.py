"""The compiled configuration on real servers: Prometheus (with the compiled prometheus.yml
and rules, ports moved to loopback) scrapes node_exporter, PostgreSQL and Redis through
their exporters, nginx through nginx-prometheus-exporter, and an API serving the metric
contract; every query of every dashboard panel must return data and every rule load healthy.
Everything runs on 127.0.0.1, is started here and stopped by PID; every wait is bounded."""
import pytest

from conftest import ROOT
from monitoring_as_code.compiler import compile_tree
from real_stack import api, grafana_to_prometheus, wait_until

@pytest.fixture(scope="module")
def compiled():
    result = compile_tree(str(ROOT))
    assert result.ok, [p.text() for p in result.problems]
    return result


@pytest.fixture(scope="module")
def prometheus(loopback_stack):
    return loopback_stack.port


def test_every_panel_query_returns_data(compiled, prometheus):
    empty, count = [], 0
    for dashboard in compiled.definitions.dashboards:
        for panel in dashboard.all_panels():
            for query in panel.queries:
                count += 1
                expr = grafana_to_prometheus(query.expr)
                if not api(prometheus, "query", query=expr)["result"]:
                    empty.append(f"{dashboard.uid} / {panel.title}: {expr}")
    assert count > 40
    assert empty == []


def test_every_rule_is_loaded_and_healthy(compiled, prometheus):
    def loaded():
        rules = [r for g in api(prometheus, "rules")["groups"] for r in g["rules"]]
        return rules if rules and all(r.get("lastEvaluation", "").startswith("20") for r in rules) else None

    rules = wait_until("rules evaluated", loaded, timeout=30)
    compiled_rules = [getattr(r, "record", None) or r.name for g in compiled.definitions.groups for r in g.rules]
    assert sorted(r["name"] for r in rules) == sorted(compiled_rules)
    assert any(name.startswith("slo:") for name in compiled_rules)  # the SLOs' recording rules too
    assert [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"] == []
