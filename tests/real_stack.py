"""The loopback stack the real-server tests share: Prometheus (with the compiled
prometheus.yml and rules, ports moved to loopback, a 1 s scrape interval) scraping
node_exporter, PostgreSQL and Redis through their exporters, nginx through
nginx-prometheus-exporter, and an API serving the metric contract. Started once per session
(conftest.loopback_stack), stopped by PID; every wait is bounded."""
import json
import re
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from loopback import HOST, Stack, free_port, wait_port  # noqa: E402

RATE_INTERVAL = "10s"  # what Grafana's $__rate_interval would be at a 1s scrape interval


def grafana_to_prometheus(expr: str) -> str:
    """Substitute what Grafana would: the rate interval, and "All" for every variable."""
    expr = expr.replace("$__rate_interval", RATE_INTERVAL).replace("${__rate_interval}", RATE_INTERVAL)
    return re.sub(r"\$\{[^}]+\}|\$\w+", ".*", expr)


def api(port, path, **params):
    url = f"http://{HOST}:{port}/api/v1/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)["data"]


def wait_until(what, check, timeout):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.5)


@dataclass
class Running:
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def start(compiled_files):
    """A context manager yielding Running once every target is up and scraped three times."""
    from contextlib import contextmanager

    @contextmanager
    def running():
        with Stack() as stack:
            targets = {
                "node": stack.node_exporter(),
                "postgres": stack.postgres_exporter(stack.postgres()),
                "redis": stack.redis_exporter(stack.redis()),
                "nginx": stack.nginx_exporter(stack.nginx()),
            }
            targets["api"] = free_port()
            stack.start("api", [sys.executable, str(ROOT / "tests" / "support" / "contract_api.py"), str(targets["api"])])
            wait_port(targets["api"])
            config = yaml.safe_load(compiled_files["prometheus/prometheus.yml"])
            config["global"].update(scrape_interval="1s", evaluation_interval="1s", scrape_timeout="1s")
            for job in config["scrape_configs"]:
                job["static_configs"] = [{"targets": [f"{HOST}:{targets[job['job_name']]}"]}]
            rules = {name: compiled_files[f"prometheus/{name}"] for name in config["rule_files"]}
            port = stack.prometheus(yaml.safe_dump(config), extra_files=rules)
            wait_until("every target up", lambda: (lambda t: len(t) == 5 and all(x["health"] == "up" for x in t))(
                api(port, "targets")["activeTargets"]), timeout=60)
            # rate() needs two samples inside its window, from every target
            wait_until("three scrapes of every target within the rate window", lambda: len(api(
                port, "query", query=f"count_over_time(up[{RATE_INTERVAL}]) >= 3")["result"]) == 5, timeout=60)
            yield Running(port)

    return running()
