"""Reloading each service and asking it whether the configuration it runs is the one given."""
from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from typing import Dict, Optional

import yaml

TIMEOUT = 10.0


class Failed(Exception):
    """A reload or a verification did not succeed; the message says what and where."""


def _http(method: str, url: str) -> tuple:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise Failed(f"{method} {url}: {getattr(exc, 'reason', exc)}") from None


def reload(service: str, host) -> None:
    from .plan import reload_of

    spec = reload_of(service, host)
    if spec is None:
        return
    if spec.url:
        status, body = _http("POST", spec.url)
        if status != 200:
            raise Failed(f"{service}: POST {spec.url} answered {status}: {body.decode(errors='replace').strip()[:500]}")
        return
    argv = spec.argv
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Failed(f"{service}: {' '.join(argv)}: {exc}") from None
    if done.returncode != 0:
        raise Failed(f"{service}: {' '.join(argv)} exited {done.returncode}: {(done.stderr or done.stdout).strip()[:500]}")


def _get_json(url: str):
    status, body = _http("GET", url)
    if status != 200:
        raise Failed(f"GET {url} answered {status}")
    return json.loads(body)


def verify_prometheus(host, files: Dict[str, bytes], timeout: Optional[float] = None) -> None:
    """/api/v1/status/config shows the given prometheus.yml (its rule files, jobs and
    intervals) and /api/v1/rules lists every given rule group, each rule evaluated and healthy."""
    base = host.prometheus_url.rstrip("/")
    want = yaml.safe_load(files["prometheus/prometheus.yml"]) or {}
    live = yaml.safe_load(_get_json(f"{base}/api/v1/status/config")["data"]["yaml"]) or {}
    for key in ("scrape_interval", "evaluation_interval"):
        if str((want.get("global") or {}).get(key)) != str((live.get("global") or {}).get(key)):
            raise Failed(f"prometheus: the live config's global {key} is {(live.get('global') or {}).get(key)}, "
                         f"not {(want.get('global') or {}).get(key)}: the new prometheus.yml is not loaded")
    jobs = lambda c: sorted(j.get("job_name") for j in c.get("scrape_configs") or [])  # noqa: E731
    if jobs(want) != jobs(live):
        raise Failed(f"prometheus: the live scrape jobs are {jobs(live)}, not {jobs(want)}")
    groups = []
    for rel in sorted(files):
        if rel.startswith("prometheus/") and rel.count("/") == 1 and rel != "prometheus/prometheus.yml":
            groups += (yaml.safe_load(files[rel]) or {}).get("groups") or []
    expected = {g["name"]: [r.get("record") or r.get("alert") for r in g.get("rules", [])] for g in groups}
    deadline = time.monotonic() + (host.verify_timeout if timeout is None else timeout)
    while True:
        live_groups = {g["name"]: g for g in _get_json(f"{base}/api/v1/rules")["data"]["groups"]}
        missing = sorted(set(expected) - set(live_groups))
        if missing:
            raise Failed(f"prometheus: rule groups not loaded: {', '.join(missing)}")
        bad, waiting = [], []
        for name, rules in expected.items():
            live_rules = live_groups[name]["rules"]
            if [r["name"] for r in live_rules] != rules:
                raise Failed(f"prometheus: group {name} holds {[r['name'] for r in live_rules]}, not {rules}")
            for r in live_rules:
                if r.get("health") == "err":
                    bad.append(f"{name}/{r['name']}: {r.get('lastError', '')}")
                elif r.get("health") != "ok":
                    waiting.append(f"{name}/{r['name']}")
        if bad:
            raise Failed("prometheus: rules failing after the reload: " + "; ".join(bad))
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise Failed(f"prometheus: rules not evaluated within {host.verify_timeout:g} s: {', '.join(waiting[:5])}")
        time.sleep(0.5)


def verify_alertmanager(host, files: Dict[str, bytes]) -> None:
    """/api/v2/status shows the given alertmanager.yml: its route, receivers and inhibit rules."""
    base = host.alertmanager_url.rstrip("/")
    want = yaml.safe_load(files["alertmanager/alertmanager.yml"]) or {}
    live = yaml.safe_load(_get_json(f"{base}/api/v2/status")["config"]["original"]) or {}

    def shape(c):
        route = c.get("route") or {}
        return {"receiver": route.get("receiver"), "group_by": route.get("group_by"),
                "routes": [(r.get("receiver"), r.get("group_wait"), r.get("repeat_interval")) for r in route.get("routes") or []],
                "receivers": sorted(r.get("name") for r in c.get("receivers") or []),
                "inhibit_rules": len(c.get("inhibit_rules") or [])}
    if shape(want) != shape(live):
        raise Failed(f"alertmanager: the live configuration is not the new one: {shape(live)} != {shape(want)}")


NGINX_SETTLE = 10.0  # seconds: `nginx -s reload` returns before the new workers answer


def verify_nginx(host, files: Dict[str, bytes]) -> None:
    """Nginx answers as monitoring.conf says: /prometheus/ wants credentials. A reload is
    asynchronous (the master starts new workers after the signal), so the answer is awaited
    for up to NGINX_SETTLE seconds."""
    url = f"{host.nginx_url.rstrip('/')}/prometheus/"
    deadline = time.monotonic() + NGINX_SETTLE
    while True:
        status, _ = _http("GET", url)
        if status == 401:
            return
        if time.monotonic() > deadline:
            raise Failed(f"nginx: GET {url} answered {status}, not 401 (monitoring.conf asks for credentials there)")
        time.sleep(0.2)


VERIFY = {"prometheus": verify_prometheus, "alertmanager": verify_alertmanager, "nginx": verify_nginx}
NEEDS = {"prometheus": "prometheus/prometheus.yml", "alertmanager": "alertmanager/alertmanager.yml",
         "nginx": "nginx/monitoring.conf"}


def verify(service: str, host, files: Dict[str, bytes]) -> None:
    check = VERIFY.get(service)
    if check is not None and NEEDS[service] in files:
        check(host, files)
