"""Flask instrumentation that exports exactly the metric contract (monitoring_as_code.contract).

    from monitoring_as_code.instrument import instrument, track_job, set_queue_size
    instrument(app)                      # request metrics + GET /metrics
    with track_job("send_email"): ...    # or @track_job("send_email")
    set_queue_size("emails", 12)

Several worker processes (gunicorn -w N): set PROMETHEUS_MULTIPROC_DIR to an empty folder
writable by the workers before the app starts (prometheus_client reads it at import); /metrics
then adds up every worker's values. Gauges aggregate as the contract needs: jobs in progress
are summed over live workers, a queue's size is the most recent value set by any worker.
"""
from __future__ import annotations

import contextlib
import os
import time
from typing import Optional

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from .contract import BY_NAME

UNMATCHED = "<unmatched>"  # the endpoint label of requests no route matched: bounded cardinality


def _help(name: str) -> str:
    return BY_NAME[name].help


def _labels(name: str):
    return list(BY_NAME[name].labels)


class Metrics:
    """The contract's metrics, registered once per registry."""

    def __init__(self, registry: CollectorRegistry = REGISTRY):
        self.requests = Counter("http_requests_total", _help("http_requests_total"), _labels("http_requests_total"),
                                registry=registry)
        self.duration = Histogram("http_request_duration_seconds", _help("http_request_duration_seconds"),
                                  _labels("http_request_duration_seconds"),
                                  buckets=BY_NAME["http_request_duration_seconds"].buckets, registry=registry)
        self.in_progress = Gauge("jobs_in_progress", _help("jobs_in_progress"), registry=registry,
                                 multiprocess_mode="livesum")
        self.queue_size = Gauge("job_queue_size", _help("job_queue_size"), _labels("job_queue_size"), registry=registry,
                                multiprocess_mode="livemostrecent")
        self.job_duration = Histogram("job_duration_seconds", _help("job_duration_seconds"), _labels("job_duration_seconds"),
                                      buckets=BY_NAME["job_duration_seconds"].buckets, registry=registry)
        self.jobs = Counter("jobs_processed_total", _help("jobs_processed_total"), _labels("jobs_processed_total"),
                            registry=registry)


_metrics: dict = {}


def metrics(registry: CollectorRegistry = REGISTRY) -> Metrics:
    if id(registry) not in _metrics:
        _metrics[id(registry)] = Metrics(registry)
    return _metrics[id(registry)]


def exposition(registry: CollectorRegistry = REGISTRY) -> bytes:
    """/metrics text: every worker's values in multiprocess mode, this process's otherwise."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and registry is REGISTRY:
        from prometheus_client import multiprocess

        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return generate_latest(collected)
    return generate_latest(registry)


def instrument(app, registry: CollectorRegistry = REGISTRY, metrics_path: str = "/metrics"):
    """Record every request by method, route template and status, and serve `metrics_path`."""
    from flask import Response, g, request

    m = metrics(registry)

    @app.before_request
    def _mac_start():
        g._mac_started = time.perf_counter()

    @app.after_request
    def _mac_record(response):
        if request.endpoint == "mac_metrics":
            return response
        endpoint = request.url_rule.rule if request.url_rule is not None else UNMATCHED
        started = getattr(g, "_mac_started", None)
        m.requests.labels(request.method, endpoint, str(response.status_code)).inc()
        if started is not None:
            m.duration.labels(request.method, endpoint).observe(time.perf_counter() - started)
        return response

    def mac_metrics():
        return Response(exposition(registry), mimetype=CONTENT_TYPE_LATEST)

    app.add_url_rule(metrics_path, "mac_metrics", mac_metrics)
    return app


class track_job(contextlib.ContextDecorator):
    """Context manager and decorator: jobs_in_progress while it runs, then job_duration_seconds
    and jobs_processed_total{status="ok"|"failed"} (failed when it raises)."""

    def __init__(self, job_type: str, registry: CollectorRegistry = REGISTRY):
        self.job_type = job_type
        self.registry = registry
        self._started: Optional[float] = None

    def _recreate_cm(self):  # a fresh timer for every decorated call, so calls may overlap
        return track_job(self.job_type, self.registry)

    def __enter__(self):
        metrics(self.registry).in_progress.inc()
        self._started = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        m = metrics(self.registry)
        m.in_progress.dec()
        m.job_duration.labels(self.job_type).observe(time.perf_counter() - self._started)
        m.jobs.labels(self.job_type, "failed" if exc_type else "ok").inc()
        return False


def set_queue_size(queue: str, size: int, registry: CollectorRegistry = REGISTRY) -> None:
    metrics(registry).queue_size.labels(queue).set(size)
