"""Scrape targets: any job Prometheus cannot scrape (exporter down, host gone, wrong port)."""
from monitoring_as_code import AlertRule, RuleGroup
from monitoring_as_code.testing import AlertTest, Series, constant, fires, not_firing, pending, quiet, threshold_tests

from alerts.common import runbook

target_down = AlertRule(
    name="TargetDown",
    # One series per target; `up` is 0 when a scrape fails. The seed's services are all
    # critical: without their exporter, the alerts that read it cannot fire.
    expr='up{job=~"node|postgres|redis|nginx|api"} == 0',
    for_="1m",
    severity="critical",
    summary="Prometheus cannot scrape {{ $labels.job }} on {{ $labels.instance }}",
    description="The scrape of {{ $labels.job }} at {{ $labels.instance }} has failed for a minute "
                "(up = {{ $value }}); alerts that read this target cannot fire while it is down.",
    runbook_url=runbook("TargetDown"),
)

targets = RuleGroup("targets", [target_down])

tests = [
    *threshold_tests(target_down, "== 0", for_="1m", fire=0, safe=1),
    AlertTest(
        target_down, "per job: the API down pages, the other jobs stay quiet",
        series=[Series('up{instance="api-1:8000", job="api"}', constant(1, "2m") + " " + constant(0, "6m")),
                Series('up{instance="web-1:9100", job="node"}', constant(1, "9m"))],
        expect=[not_firing(between=("0m", "1m")), pending(at="2m"),
                fires(at="3m", labels={"instance": "api-1:8000", "job": "api"}),
                quiet(between=("0m", "8m"), labels={"job": "node"})],
    ),
]
