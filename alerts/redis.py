"""Redis alerts from redis_exporter (job "redis")."""
from monitoring_as_code import AlertRule, RuleGroup
from monitoring_as_code.testing import AlertTest, Series, constant, fires, not_firing, pending, quiet, stale, step, threshold_tests

from alerts.common import runbook

redis_down = AlertRule(
    name="RedisDown",
    # redis_up vanishes when the exporter is down: its scrape's `up` (0) stands in then.
    expr='(redis_up{job="redis"} or on (instance, job) up{job="redis"}) < 1',
    for_="1m",
    severity="critical",
    summary="Redis is down on {{ $labels.instance }}",
    description="Redis on {{ $labels.instance }} cannot be reached: redis_up, or the exporter's up when it is "
                "down itself, is {{ $value }}.",
    runbook_url=runbook("RedisDown"),
)

redis = RuleGroup("redis", [redis_down])

REDIS = 'instance="cache-1:9121", job="redis"'
tests = [
    *threshold_tests(redis_down, "< 1", for_="1m"),
    AlertTest(
        redis_down, "down for a minute pages; its series going stale with the exporter still up resolves it",
        series=[Series(f"redis_up{{{REDIS}}}", step(1, 0, at="2m", duration="6m") + " " + stale()),
                Series(f"up{{{REDIS}}}", constant(1, "9m"))],
        expect=[pending(at="2m"), fires(at="3m", labels={"instance": "cache-1:9121", "severity": "critical"}),
                quiet(between=("6m", "8m"))],
    ),
    AlertTest(
        redis_down, "the exporter down (redis_up gone, up 0) pages too",
        series=[Series(f"redis_up{{{REDIS}}}", constant(1, "2m") + " " + stale()),
                Series(f"up{{{REDIS}}}", constant(1, "2m") + " " + constant(0, "10m"))],
        expect=[not_firing(between=("0m", "1m")), pending(at="2m"),
                fires(at="3m", labels={"instance": "cache-1:9121", "job": "redis", "severity": "critical"})],
    ),
]
