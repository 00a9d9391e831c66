"""Redis alerts from redis_exporter (job "redis")."""
from monitoring_as_code import AlertRule, RuleGroup

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
