"""A stand-in for the Flask API in the real-stack test: serves every metric of the contract
(monitoring_as_code.contract) with prometheus_client on 127.0.0.1:PORT/metrics, and keeps
producing traffic — successes, 5xx errors, slow requests, jobs — until it is stopped or the
process that started it ends."""
import os
import random
import sys
import time

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from monitoring_as_code.contract import BY_NAME


def metric(name, cls, **kwargs):
    m = BY_NAME[name]
    base = name[: -len("_total")] if cls is Counter and name.endswith("_total") else name
    return cls(base, m.help, list(m.labels), **kwargs)


def main(port: int) -> None:
    requests = metric("http_requests_total", Counter)
    latency = metric("http_request_duration_seconds", Histogram, buckets=BY_NAME["http_request_duration_seconds"].buckets)
    in_progress = metric("jobs_in_progress", Gauge)
    queue = metric("job_queue_size", Gauge)
    job_duration = metric("job_duration_seconds", Histogram, buckets=BY_NAME["job_duration_seconds"].buckets)
    processed = metric("jobs_processed_total", Counter)
    start_http_server(port, addr="127.0.0.1")
    rng = random.Random(7)
    # Runs as long as the test process that started it (the shared loopback stack lives for a
    # whole session, which can pass ten minutes); stops when orphaned, so it never outlives one.
    parent = os.getppid()
    while os.getppid() == parent:
        for endpoint, status in (("/orders", "200"), ("/orders", "500"), ("/orders/<id>", "404")):
            requests.labels("GET", endpoint, status).inc()
            latency.labels("GET", endpoint).observe(rng.uniform(0.01, 2.5))
        in_progress.set(rng.randint(0, 3))
        queue.labels("emails").set(rng.randint(0, 50))
        job_duration.labels("send_email").observe(rng.uniform(0.1, 3))
        processed.labels("send_email", rng.choice(("ok", "failed"))).inc()
        time.sleep(0.2)


if __name__ == "__main__":
    main(int(sys.argv[1]))
