"""The compiled Alertmanager configuration inhibits what it should, in a real Alertmanager on
127.0.0.1: an SLO's page alert silences its own ticket alerts (not another SLO's), a critical
alert silences warnings of its instance, and a critical alert without an instance silences
nothing (Alertmanager takes two missing labels as equal, which would mute every warning)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import ROOT

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def alertmanager(tmp_path):
    if BINARY is None:
        pytest.fail("prometheus-alertmanager is missing: run `make test` (it installs Debian's package)")
    config = tmp_path / "alertmanager.yml"
    config.write_text((ROOT / "build" / "alertmanager" / "alertmanager.yml").read_text())
    (tmp_path / "templates").mkdir()
    shutil.copy(ROOT / "build" / "alertmanager" / "templates" / "email.tmpl", tmp_path / "templates")
    port = free_port()
    process = subprocess.Popen([BINARY, f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/-/ready", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(process.stderr.read().decode()[-2000:])
                time.sleep(0.1)
        else:
            pytest.fail("alertmanager did not become ready in 10 s")
        yield url
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def post(url, alerts):
    body = json.dumps([{"labels": labels} for labels in alerts]).encode()
    request = urllib.request.Request(f"{url}/api/v2/alerts", data=body, headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5)


def inhibited(url) -> dict:
    with urllib.request.urlopen(f"{url}/api/v2/alerts", timeout=5) as response:
        return {a["labels"]["alertname"]: bool(a["status"]["inhibitedBy"]) for a in json.loads(response.read())}


def test_inhibition(alertmanager):
    slo = {"service": "api"}
    post(alertmanager, [
        {**slo, "alertname": "ApiAvailabilityBurnRate1h", "severity": "critical", "slo": "api-availability",
         "slo_tier": "page"},
        {**slo, "alertname": "ApiAvailabilityBurnRate1d", "severity": "warning", "slo": "api-availability",
         "slo_tier": "ticket"},
        {**slo, "alertname": "ApiLatencyBurnRate1d", "severity": "warning", "slo": "api-latency", "slo_tier": "ticket"},
        {"alertname": "HighErrorRate", "severity": "warning", "job": "api"},
        {"alertname": "PostgreSQLDown", "severity": "critical", "instance": "db1"},
        {"alertname": "HighCPUUsage", "severity": "warning", "instance": "db1"},
        {"alertname": "HighMemoryUsage", "severity": "warning", "instance": "web1"},
    ])
    expected = {"ApiAvailabilityBurnRate1h": False, "ApiAvailabilityBurnRate1d": True, "ApiLatencyBurnRate1d": False,
                "HighErrorRate": False, "PostgreSQLDown": False, "HighCPUUsage": True, "HighMemoryUsage": False}
    found = {}
    for _ in range(50):  # the inhibitor sees new alerts within a moment
        found = inhibited(alertmanager)
        if found == expected:
            break
        time.sleep(0.2)
    assert found == expected
