"""Redis alerts from redis_exporter (job "redis")."""
from monitoring_as_code import AlertRule, RuleGroup
from monitoring_as_code.testing import AlertTest, Series, fires, pending, quiet, stale, step, threshold_tests

from alerts.common import runbook

redis_down = AlertRule(
    name="RedisDown",
    expr='redis_up{job="redis"} < 1',
    for_="1m",
    severity="critical",
    summary="Redis is down on {{ $labels.instance }}",
    description="redis_exporter on {{ $labels.instance }} cannot reach Redis (redis_up = {{ $value }}).",
    runbook_url=runbook("RedisDown"),
)

redis = RuleGroup("redis", [redis_down])

REDIS = 'instance="cache-1:9121", job="redis"'
tests = [
    *threshold_tests(redis_down, "< 1", for_="1m"),
    AlertTest(
        redis_down, "down for a minute pages; the exporter vanishing resolves it",
        series=[Series(f"redis_up{{{REDIS}}}", step(1, 0, at="2m", duration="6m") + " " + stale())],
        expect=[pending(at="2m"), fires(at="3m", labels={"instance": "cache-1:9121", "severity": "critical"}),
                quiet(between=("6m", "8m"))],
    ),
]
