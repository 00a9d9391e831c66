"""The same rules on VictoriaMetrics: Debian's victoria-metrics (single node) and vmalert on
127.0.0.1. Each seed alert's first derived test (the scenario that crosses its threshold) is
imported into VictoriaMetrics with its timestamps, vmalert replays the alert's rule file over
that range, and the alert must fire at the same evaluation as promtool expects."""
import json
import math
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
import yaml

from conftest import ROOT
from monitoring_as_code.preview.timerange import interval_seconds as seconds
from monitoring_as_code.testing.values import expand

sys.path.insert(0, str(ROOT / "scripts"))
from loopback import HOST, Stack, free_port, wait_http  # noqa: E402

VM = shutil.which("victoria-metrics")
VMALERT = shutil.which("vmalert")
SEED = ["DiskSpaceLow", "PostgreSQLDown", "RedisDown", "HighCPUUsage", "HighMemoryUsage", "TooManyDBConnections",
        "HighErrorRate", "SlowResponseTime", "JobQueueBacklog"]
SPACING = 3 * 3600  # each alert's scenario in a window of its own


def parse_series(text):
    from monitoring_as_code.testing.engine import labels_of
    import promql_parser as pp

    node = pp.parse(text)
    labels = {"__name__": node.name}
    for m in node.matchers.matchers:
        labels[m.name] = m.value
    return dict(labels_of(labels))


def first_firing(test):
    """When promtool expects the alert firing first: the earliest firing check with samples."""
    times = [seconds(check["eval_time"]) for check in test.get("promql_expr_test", [])
             if 'alertstate="firing"' in check["expr"] and check.get("exp_samples")
             and "max_over_time" not in check["expr"]]
    return min(times)


@pytest.fixture(scope="module")
def victoria(tmp_path_factory):
    if VM is None or VMALERT is None:
        pytest.fail("victoria-metrics is missing: run `make test` (it installs Debian's package)")
    folder = tmp_path_factory.mktemp("vm")
    port = free_port()
    with Stack() as processes:  # stopped by PID when the module is done
        processes.start("victoria-metrics", [VM, f"-httpListenAddr={HOST}:{port}", f"-storageDataPath={folder}/data",
                                             "-retentionPeriod=2y", "-search.disableCache"])
        wait_http(f"http://{HOST}:{port}/health", timeout=30)
        yield f"http://{HOST}:{port}", folder


def export(url, match):
    query = urllib.parse.urlencode({"match[]": match})
    with urllib.request.urlopen(f"{url}/api/v1/export?{query}", timeout=30) as response:
        return [json.loads(line) for line in response.read().decode().splitlines() if line.strip()]


def _import(url, test, start):
    """The test's input series at `start` (unix seconds); the scenario's end."""
    every = seconds(test.get("interval", "1m"))
    lines, length = [], 0
    for item in test["input_series"]:
        values = expand(str(item["values"]))
        length = max(length, len(values))
        points = [(start + i * every, v) for i, v in enumerate(values) if not math.isnan(v)]
        lines.append(json.dumps({"metric": parse_series(item["series"]), "values": [v for _, v in points],
                                 "timestamps": [int(t * 1000) for t, _ in points]}))
    request = urllib.request.Request(f"{url}/api/v1/import", data="\n".join(lines).encode(), method="POST")
    urllib.request.urlopen(request, timeout=30).read()
    return start + length * every


def _replay(url, rules, start, end, every):
    """vmalert's replay of `rules` over [start, end], one evaluation per `every` seconds (its
    query step too: vmalert's default step is 5m); the firing samples it wrote."""
    stamp = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))  # noqa: E731
    urllib.request.urlopen(f"{url}/internal/force_flush", timeout=30).read()
    run = subprocess.run([VMALERT, f"-rule={rules}", f"-datasource.url={url}", f"-remoteWrite.url={url}",
                          f"-replay.timeFrom={stamp(start)}", f"-replay.timeTo={stamp(end)}",
                          f"-evaluationInterval={int(every)}s", f"-datasource.queryStep={int(every)}s",
                          "-replay.disableProgressBar", "-replay.rulesDelay=0", f"-httpListenAddr={HOST}:{free_port()}"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    urllib.request.urlopen(f"{url}/internal/force_flush", timeout=30).read()
    return run


def test_seed_alerts_fire_when_promtool_says(victoria):
    """The first derived test of each seed alert fires just past the threshold: vmalert must
    fire at the evaluation promtool expects; the second stays just short of it: nothing fires."""
    url, folder = victoria
    tests_dir = ROOT / "build" / "prometheus" / "tests"
    base = (int(time.time()) // 86400 - 20) * 86400  # recent (inside the retention), day-aligned
    fired, quiet = {}, {}
    for k, alert in enumerate(SEED):
        spec = yaml.safe_load((tests_dir / f"{alert}.yml").read_text())
        rules = tests_dir / spec["rule_files"][0]
        fires, stays = spec["tests"][0], spec["tests"][1]
        assert "fires" in fires["name"] and "quiet" in stays["name"], (fires["name"], stays["name"])
        start = base + 2 * k * SPACING
        end = _import(url, fires, start)
        _replay(url, rules, start, end, seconds(fires.get("interval", "1m")))
        series = export(url, f'ALERTS{{alertname="{alert}",alertstate="firing"}}')
        times = sorted(t / 1000 for s in series for t in s["timestamps"] if start * 1000 <= t <= end * 1000)
        fired[alert] = (times[0] - start if times else None, first_firing(fires))
        start = base + (2 * k + 1) * SPACING
        end = _import(url, stays, start)
        _replay(url, rules, start, end, seconds(stays.get("interval", "1m")))
        series = export(url, f'ALERTS{{alertname="{alert}"}}')
        quiet[alert] = sorted(t / 1000 - start for s in series for t in s["timestamps"] if start * 1000 <= t <= end * 1000)
    assert {a: got for a, (got, _) in fired.items()} == {a: want for a, (_, want) in fired.items()}
    assert quiet == {a: [] for a in SEED}
