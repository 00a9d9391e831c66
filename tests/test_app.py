"""The application side: the Flask instrumentation exports the metric contract, and Sentry
reports errors with release, environment, user id and breadcrumbs, sampling 10% of traces."""
import os
import subprocess
import sys
import textwrap

import pytest
import sentry_sdk
from prometheus_client.parser import text_string_to_metric_families
from sentry_sdk.transport import Transport

from conftest import ROOT, run_mac
from monitoring_as_code import promql
from monitoring_as_code.compiler import compile_tree
from monitoring_as_code.contract import API_METRICS

os.environ["MAC_API_WORKER"] = "0"  # the tests run jobs themselves
sys.path.insert(0, str(ROOT))
from examples.api import app as example  # noqa: E402

SENTRY = {"dsn_env": "MAC_TEST_NO_SUCH_DSN", "environment": "staging", "release": "api@1.2.3",
          "traces_sample_rate": 0.1, "send_default_pii": False, "breadcrumb_level": "INFO", "event_level": "ERROR"}


def families(client):
    text = client.get("/metrics").data.decode()
    return {f.name: f for f in text_string_to_metric_families(text)}


@pytest.fixture(scope="module")
def client():
    app = example.create_app(sentry_config=SENTRY)  # no DSN in the environment: Sentry off
    app.config["PROPAGATE_EXCEPTIONS"] = False
    c = app.test_client()
    for path in ("/orders", "/orders/1", "/orders/99", "/no/such/route", "/boom", "/slow?seconds=0.01"):
        c.get(path)
    c.post("/jobs", json={"type": "send_email"})
    example.run_job({"type": "send_email", "fail": False})
    with pytest.raises(ValueError):
        example.run_job({"type": "send_email", "fail": True})
    return c


def sample_labels(family, name):
    return [s.labels for s in family.samples if s.name == name]


def test_requests_are_counted_by_route_template_and_status(client):
    labels = sample_labels(families(client)["http_requests"], "http_requests_total")
    seen = {(l["method"], l["endpoint"], l["status"]) for l in labels}
    assert {("GET", "/orders", "200"), ("GET", "/orders/<int:order_id>", "200"),
            ("GET", "/orders/<int:order_id>", "404"), ("GET", "<unmatched>", "404"),
            ("GET", "/boom", "500"), ("GET", "/slow", "200"), ("POST", "/jobs", "202")} <= seen
    assert not any(l["endpoint"] in ("/orders/1", "/orders/99", "/no/such/route") for l in labels)


def test_latency_buckets_include_the_alert_threshold(client):
    family = families(client)["http_request_duration_seconds"]
    les = {s.labels["le"] for s in family.samples if s.name.endswith("_bucket")}
    assert {"0.005", "2.0", "2.5", "10.0", "+Inf"} <= les


def test_jobs_are_tracked(client):
    f = families(client)
    processed = {(s.labels["job_type"], s.labels["status"]): s.value
                 for s in f["jobs_processed"].samples if s.name == "jobs_processed_total"}
    assert processed[("send_email", "ok")] >= 1 and processed[("send_email", "failed")] >= 1
    assert [s.value for s in f["jobs_in_progress"].samples] == [0.0]
    assert {s.labels["queue"] for s in f["job_queue_size"].samples} == {"default"}


def test_every_contract_metric_the_spec_uses_is_exported_with_its_type_and_labels(client):
    """One contract: what the bundled dashboards and alerts read is what the app exports."""
    defs = compile_tree(str(ROOT)).definitions
    used = set()
    for group in defs.groups:
        for rule in group.rules:
            used.update(promql.metric_names(rule.expr))
    for dashboard in defs.dashboards:
        for panel in dashboard.all_panels():
            for query in panel.queries:
                used.update(promql.metric_names(promql.substitute_grafana_variables(query.expr)))
    exported = families(client)
    checked = []
    for metric in API_METRICS:
        names = {metric.name} | {metric.name + s for s in ("_bucket", "_sum", "_count")}
        if not names & used:
            continue
        family_name = metric.name[: -len("_total")] if metric.type == "counter" else metric.name
        family = exported[family_name]
        assert family.type == metric.type, metric.name
        for sample in family.samples:
            if sample.name.endswith("_created"):
                continue
            assert set(sample.labels) - {"le"} == set(metric.labels), (metric.name, sample)
        checked.append(metric.name)
    assert sorted(checked) == sorted(m.name for m in API_METRICS)  # the spec uses all six


MULTIPROCESS = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    os.environ["MAC_API_WORKER"] = "0"
    from examples.api.app import create_app
    app = create_app(sentry_config={sentry!r})
    client = app.test_client()
    if sys.argv[1] == "serve":
        for _ in range(5):
            client.get("/orders")
    else:
        print(client.get("/metrics").data.decode())
""")


def test_several_worker_processes_add_up(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(MULTIPROCESS.format(root=str(ROOT), sentry=SENTRY))
    folder = tmp_path / "multiproc"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    for _ in range(3):  # three workers, one after the other, five requests each
        subprocess.run([sys.executable, str(script), "serve"], env=env, check=True, timeout=60)
    text = subprocess.run([sys.executable, str(script), "read"], env=env, check=True, timeout=60,
                          capture_output=True, text=True).stdout
    counts = {tuple(sorted(s.labels.items())): s.value for f in text_string_to_metric_families(text)
              for s in f.samples if s.name == "http_requests_total"}
    assert counts[(("endpoint", "/orders"), ("method", "GET"), ("status", "200"))] == 15


class MemoryTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def items(self, kind):
        return [i.payload.json for e in self.envelopes for i in e.items if i.type == kind]


@pytest.fixture
def sentry_app():
    transport = MemoryTransport()
    app = example.create_app(sentry_config=SENTRY, dsn="https://public@example.invalid/1", transport=transport)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app, transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # leave no client behind for other tests


def test_an_error_in_a_route_reaches_sentry_with_context(sentry_app):
    app, transport = sentry_app
    response = app.test_client().get("/boom", headers={"X-User-Id": "42"})
    assert response.status_code == 500
    sentry_sdk.flush()
    events = transport.items("event")
    assert len(events) == 1
    event = events[0]
    assert event["release"] == "api@1.2.3"
    assert event["environment"] == "staging"
    assert event["user"] == {"id": "42"}  # id only: no e-mail, name or IP address
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    crumbs = [b.get("message") for b in event["breadcrumbs"]["values"]]
    assert "about to fail on purpose" in crumbs
    assert "request" not in event or "cookies" not in event.get("request", {})


def test_traces_are_sampled_at_ten_percent(sentry_app):
    """The sampler, not luck: an incoming trace carries its random draw (sample_rand); below
    0.1 the request is traced, at or above it is not."""
    app, transport = sentry_app
    assert sentry_sdk.get_client().options["traces_sample_rate"] == 0.1
    trace = "771a43a4192642f0b136d5159a501700"
    client = app.test_client()
    for draw in ("0.05", "0.0999", "0.1", "0.7"):
        client.get("/orders", headers={"sentry-trace": f"{trace}-b7ad6b7169203331",
                                       "baggage": f"sentry-trace_id={trace},sentry-sample_rand={draw}"})
    sentry_sdk.flush()
    transactions = transport.items("transaction")
    assert len(transactions) == 2
    assert {t["transaction"] for t in transactions} == {"/orders"}


def test_make_build_writes_the_sentry_files(tmp_path):
    result = run_mac("compile", "--out", str(tmp_path / "b"), cwd=ROOT)
    assert result.returncode == 0
    backend = (tmp_path / "b" / "sentry" / "backend.json").read_text()
    assert '"traces_sample_rate": 0.1' in backend and '"dsn_env": "SENTRY_DSN"' in backend
    swift = (tmp_path / "b" / "sentry" / "ios" / "SentryConfig.swift").read_text()
    for line in ('forInfoDictionaryKey: "SentryDSN"', "options.tracesSampleRate = tracesSampleRate",
                 "static let tracesSampleRate: NSNumber = 0.1", "options.attachStacktrace = true",
                 "options.enableAutoBreadcrumbTracking = true", "options.sendDefaultPii = false"):
        assert line in swift
