"""Flask API alerts from the application's own metrics (job "api")."""
from monitoring_as_code import AlertRule, RuleGroup

from alerts.common import runbook

high_error_rate = AlertRule(
    name="HighErrorRate",
    expr='sum by (job) (rate(http_requests_total{job="api", status=~"5.."}[5m])) > 0.1',
    for_="5m",
    severity="warning",
    summary="The API answers with 5xx errors",
    description="The API returns {{ $value | humanize }} 5xx responses per second (above 0.1/s for 5 minutes).",
    runbook_url=runbook("HighErrorRate"),
)

slow_response_time = AlertRule(
    name="SlowResponseTime",
    expr="""
histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket{job="api"}[5m]))) > 2
""",
    for_="5m",
    severity="warning",
    summary="The API is slow",
    description="95% of API requests take up to {{ $value | humanizeDuration }} (p95 above 2s for 5 minutes).",
    runbook_url=runbook("SlowResponseTime"),
)

job_queue_backlog = AlertRule(
    name="JobQueueBacklog",
    expr='sum by (queue) (job_queue_size{job="api"}) > 100',
    for_="10m",
    severity="warning",
    summary="Job queue {{ $labels.queue }} is backing up",
    description="{{ $value | humanize }} jobs are waiting in queue {{ $labels.queue }} (more than 100 for 10 minutes).",
    runbook_url=runbook("JobQueueBacklog"),
)

api = RuleGroup("api", [high_error_rate, slow_response_time, job_queue_backlog])
