"""API: traffic, errors, latency and background jobs of the Flask application (job "api")."""
from monitoring_as_code import Dashboard, Query, Row, TimeSeries

from alerts.api import high_error_rate, job_queue_backlog, slow_response_time
from dashboards.common import TAGS, instance_variable

A = 'job="api", instance=~"$instance"'


def latency(q: str) -> Query:
    return Query(
        f"histogram_quantile({q}, sum by (le) (rate(http_request_duration_seconds_bucket{{{A}}}[$__rate_interval])))",
        legend=f"p{round(float(q) * 100)}")


api = Dashboard(
    title="API",
    uid="mac-api",
    tags=TAGS + ("api",),
    description="The Flask API's requests, errors, latency and background jobs, from its /metrics.",
    variables=[instance_variable("api")],
    panels=[
        Row("Requests", panels=[
            TimeSeries("Requests by status",
                       queries=[Query(f"sum by (status) (rate(http_requests_total{{{A}}}[$__rate_interval]))",
                                      legend="{{status}}")],
                       unit="reqps", min=0, stack=True, description="Requests per second by HTTP status."),
            TimeSeries("5xx error rate",
                       queries=[Query(f'sum(rate(http_requests_total{{{A}, status=~"5.."}}[$__rate_interval]))',
                                      legend="5xx")],
                       unit="reqps", min=0, thresholds_from=high_error_rate,
                       description="Server errors per second. The line is where HighErrorRate fires."),
            TimeSeries("Latency p50 / p95 / p99", queries=[latency("0.5"), latency("0.95"), latency("0.99")],
                       unit="s", min=0, thresholds_from=slow_response_time,
                       description="Request duration quantiles. The line is where SlowResponseTime (p95) fires."),
        ]),
        Row("Jobs", panels=[
            TimeSeries("Jobs in progress", queries=[Query(f"sum(jobs_in_progress{{{A}}})", legend="in progress")],
                       unit="short", min=0, description="Background jobs running now."),
            TimeSeries("Job queue size", queries=[Query(f"sum by (queue) (job_queue_size{{{A}}})", legend="{{queue}}")],
                       unit="short", min=0, thresholds_from=job_queue_backlog,
                       description="Jobs waiting per queue. The line is where JobQueueBacklog fires."),
            TimeSeries("Job duration p95",
                       queries=[Query(
                           f"histogram_quantile(0.95, sum by (job_type, le) (rate(job_duration_seconds_bucket{{{A}}}[$__rate_interval])))",
                           legend="{{job_type}}")],
                       unit="s", min=0, description="95th percentile of job duration per job type."),
            TimeSeries("Jobs processed",
                       queries=[Query(f"sum by (status) (rate(jobs_processed_total{{{A}}}[$__rate_interval]))",
                                      legend="{{status}}")],
                       unit="ops", min=0, stack=True, description="Jobs finished per second, ok and failed."),
        ]),
    ],
)
