"""Flask API alerts from the application's own metrics (job "api")."""
from monitoring_as_code import AlertRule, RuleGroup
from monitoring_as_code.testing import AlertTest, Series, constant, counter, fires, histogram, not_firing, pending, quiet, step, threshold_tests

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

API = {"instance": "api-1:8000", "job": "api"}
tests = [
    *threshold_tests(high_error_rate, "> 0.1", for_="5m"),
    *threshold_tests(slow_response_time, "> 2", for_="5m"),
    *threshold_tests(job_queue_backlog, "> 100", for_="10m"),
    AlertTest(
        slow_response_time, "a p95 of 2.4s at 1 req/s fires",
        series=histogram("http_request_duration_seconds", dict(API, method="GET", endpoint="/orders"),
                         quantile=0.95, value=2.4, per_second=1, duration="20m"),
        # Every bucket grows in proportion from the first minute, so the quantile is 2.4s from 1m.
        expect=[pending(at="5m"), fires(at="6m", labels={"job": "api"})],
    ),
    AlertTest(
        slow_response_time, "a p95 of 0.5s never fires",
        series=histogram("http_request_duration_seconds", dict(API, method="GET", endpoint="/orders"),
                         quantile=0.95, value=0.5, per_second=1, duration="20m"),
        expect=[quiet(between=("5m", "19m"))],
    ),
    AlertTest(
        high_error_rate, "0.2 errors/s among 10 req/s fires; 404s do not count",
        series=[
            Series('http_requests_total{instance="api-1:8000", job="api", method="GET", endpoint="/orders", status="500"}',
                   counter(0.2, "20m")),
            Series('http_requests_total{instance="api-1:8000", job="api", method="GET", endpoint="/orders", status="200"}',
                   counter(10, "20m")),
            Series('http_requests_total{instance="api-1:8000", job="api", method="GET", endpoint="/missing", status="404"}',
                   counter(5, "20m")),
        ],
        expect=[fires(at="10m", labels={"job": "api", "severity": "warning"})],
    ),
    AlertTest(
        job_queue_backlog, "a backlog per queue, for 10 minutes",
        series=[
            Series('job_queue_size{instance="api-1:8000", job="api", queue="emails"}', step(20, 150, at="5m", duration="20m")),
            Series('job_queue_size{instance="api-1:8000", job="api", queue="reports"}', constant(90, "20m")),
        ],
        expect=[pending(at="14m", labels={"queue": "emails"}), fires(at="15m", labels={"queue": "emails"}),
                not_firing(between=("0m", "19m"), labels={"queue": "reports"})],
    ),
]
