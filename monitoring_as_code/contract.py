"""The application's metric contract: the metrics the Flask API exports, in one place.

Dashboards, alerts, the alert-test generator (histogram buckets) and, later, the
instrumentation and lint read it from here, so a name or a bucket cannot drift."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

# 5 ms to 10 s, with 2 s and 2.5 s so the p95 > 2 s alert has a bucket edge at its threshold.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0)
# prometheus_client's defaults, for histograms mac knows nothing about.
DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)


@dataclass(frozen=True)
class Metric:
    name: str
    type: str  # counter, gauge, histogram
    help: str
    labels: Tuple[str, ...] = ()
    buckets: Optional[Tuple[float, ...]] = None


API_METRICS: Tuple[Metric, ...] = (
    Metric("http_requests_total", "counter", "HTTP requests handled, by method, route template and status.",
           ("method", "endpoint", "status")),
    Metric("http_request_duration_seconds", "histogram", "HTTP request duration, by method and route template.",
           ("method", "endpoint"), LATENCY_BUCKETS),
    Metric("jobs_in_progress", "gauge", "Background jobs running now."),
    Metric("job_queue_size", "gauge", "Jobs waiting, by queue.", ("queue",)),
    Metric("job_duration_seconds", "histogram", "Background job duration, by job type.", ("job_type",), JOB_BUCKETS),
    Metric("jobs_processed_total", "counter", "Background jobs finished, by job type and status (ok/failed).",
           ("job_type", "status")),
)

BY_NAME: Dict[str, Metric] = {m.name: m for m in API_METRICS}


def histogram_buckets(name: str) -> Tuple[float, ...]:
    metric = BY_NAME.get(name)
    return metric.buckets if metric is not None and metric.buckets else DEFAULT_BUCKETS
