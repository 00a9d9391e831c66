"""mac deploy onto a folder (--root) that real Prometheus, Alertmanager and nginx from Debian,
on 127.0.0.1, read their configuration from: apply and verify, nothing to do the second time,
one threshold changes one file and reloads one service, a change the target rejects rolls
back, --prune deletes only mac's files. Every process is started here and stopped by PID."""
import json
import os
import shutil
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, bundled_tree, run_mac

sys.path.insert(0, str(ROOT / "scripts"))
from loopback import HOST, Stack, free_port, wait_http, wait_port  # noqa: E402

AM = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
BOOTSTRAP_PROMETHEUS = "global:\n  scrape_interval: 1m\n"
BOOTSTRAP_ALERTMANAGER = "route:\n  receiver: none\nreceivers:\n- name: none\n"


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def metric(url, name):
    """A sample of a service's own /metrics."""
    with urllib.request.urlopen(url, timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"{name} not in {url}")


class Host:
    """A root folder and the three services reading it."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.root = tmp / "root"
        self.processes = Stack()  # started here, stopped by PID in reverse order
        self.prometheus_port, self.am_port, self.nginx_port = free_port(), free_port(), free_port()

    def start(self, argv, name):
        return self.processes.start(name, argv)

    def __enter__(self):
        etc = self.root / "etc"
        (etc / "prometheus").mkdir(parents=True)
        (etc / "nginx" / "snippets").mkdir(parents=True)
        # Started with configurations of their own (as Debian's packages are); the test moves
        # those away before the first deploy, as a person would: mac never replaces them.
        (etc / "prometheus" / "prometheus.yml").write_text(BOOTSTRAP_PROMETHEUS)
        self.start(["prometheus", f"--config.file={etc}/prometheus/prometheus.yml", f"--storage.tsdb.path={self.tmp}/data",
                    f"--web.listen-address={HOST}:{self.prometheus_port}", "--web.enable-lifecycle",
                    f"--web.external-url=http://{HOST}:{self.prometheus_port}/prometheus/"], "prometheus")
        wait_http(f"http://{HOST}:{self.prometheus_port}/prometheus/-/ready", timeout=30)
        am_config = etc / "prometheus" / "alertmanager.yml"
        am_config.write_text(BOOTSTRAP_ALERTMANAGER)
        self.start([AM, f"--config.file={am_config}", f"--storage.path={self.tmp}/am",
                    f"--web.listen-address={HOST}:{self.am_port}", "--cluster.listen-address="], "alertmanager")
        wait_http(f"http://{HOST}:{self.am_port}/-/ready", timeout=30)
        self.nginx_conf = self.tmp / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        self.nginx_conf.write_text(f"""
{user}
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {self.tmp}/body;
    proxy_temp_path {self.tmp}/proxy;
    fastcgi_temp_path {self.tmp}/fastcgi;
    uwsgi_temp_path {self.tmp}/uwsgi;
    scgi_temp_path {self.tmp}/scgi;
    server {{
        listen {HOST}:{self.nginx_port};
        include {etc}/nginx/snippets/*.conf;
    }}
}}
""")
        self.start(["nginx", "-c", str(self.nginx_conf), "-p", str(self.tmp), "-g", "daemon off;"], "nginx")
        wait_port(self.nginx_port)
        return self

    def __exit__(self, *exc):
        self.processes.__exit__(*exc)

    def stack_py(self, htpasswd):
        return f"""

import dataclasses as _dc
from monitoring_as_code.stack import Host, Reload

stack = _dc.replace(
    stack,
    nginx=_dc.replace(stack.nginx, htpasswd_file={str(htpasswd)!r}),
    deploy=Host(
        prometheus_url="http://{HOST}:{self.prometheus_port}/prometheus",
        alertmanager_url="http://{HOST}:{self.am_port}",
        nginx_url="http://{HOST}:{self.nginx_port}",
        nginx_reload=Reload.command("nginx", "-c", {str(self.nginx_conf)!r}, "-p", {str(self.tmp)!r}, "-s", "reload"),
        verify_timeout=45,
    ),
)
"""

    @property
    def prometheus(self):
        return f"http://{HOST}:{self.prometheus_port}/prometheus"


def live_rule(host, name):
    for group in get(f"{host.prometheus}/api/v1/rules")["data"]["groups"]:
        for rule in group["rules"]:
            if rule["name"] == name:
                return rule
    return None


def deploy(tree, host, *args):
    return run_mac("deploy", "--root", str(host.root), *args, cwd=tree)


def snapshot(root):
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))
            if p.is_file() and "var/lib/mac" not in str(p)}


@pytest.fixture
def site(tmp_path):
    if AM is None:
        pytest.fail("prometheus-alertmanager is missing: run `make test` (it installs Debian's package)")
    with Host(tmp_path) as host:
        htpasswd = tmp_path / "htpasswd"
        htpasswd.write_text("ops:$apr1$3Gq5m0xk$V5cQ8R1n7vQxqgkmCVQ1k/\n")
        tree = bundled_tree(tmp_path / "src")
        with open(tree / "stack.py", "a") as f:
            f.write(host.stack_py(htpasswd))
        yield tree, host


def test_deploy_apply_nothing_change_rollback_prune(site):
    tree, host = site
    # The services' own files are not mac's: the plan refuses them and --apply changes nothing.
    run = deploy(tree, host)
    assert run.returncode == 1 and "refuse" in run.stdout and "prometheus.yml" in run.stdout, run.stdout + run.stderr
    run = deploy(tree, host, "--apply")
    assert run.returncode == 1 and "refused" in run.stderr
    assert (host.root / "etc/prometheus/prometheus.yml").read_text() == BOOTSTRAP_PROMETHEUS
    (host.root / "etc/prometheus/prometheus.yml").unlink()  # moved away by a person
    (host.root / "etc/prometheus/alertmanager.yml").unlink()

    # First apply: every file placed, each service reloaded and verified.
    plan = deploy(tree, host, "--exit-code")
    assert plan.returncode == 1 and "to create" in plan.stdout
    run = deploy(tree, host, "--apply")
    assert run.returncode == 0, run.stdout + run.stderr
    for service in ("prometheus", "alertmanager", "nginx"):
        assert f"mac deploy: {service}: verified" in run.stderr
    assert live_rule(host, "HighCPUUsage")["health"] == "ok"

    # Second apply: nothing written, nothing reloaded.
    before = snapshot(host.root)
    reloaded = metric(f"{host.prometheus}/metrics", "prometheus_config_last_reload_success_timestamp_seconds")
    plan = deploy(tree, host, "--exit-code")
    assert plan.returncode == 0 and "nothing to do" in plan.stdout
    run = deploy(tree, host, "--apply")
    assert run.returncode == 0 and "nothing to do" in run.stdout and "reloaded" not in run.stderr
    assert snapshot(host.root) == before
    assert metric(f"{host.prometheus}/metrics", "prometheus_config_last_reload_success_timestamp_seconds") == reloaded

    # One threshold: the rules file, and the System dashboard whose CPU panels draw that
    # threshold (thresholds_from); Prometheus alone reloaded (Grafana's file provider reads
    # dashboards by itself); the new threshold live.
    node = tree / "alerts" / "node.py"
    node.write_text(node.read_text().replace('mode="idle"}[5m]))) > 80', 'mode="idle"}[5m]))) > 85')
                    .replace('"> 80", for_="5m"', '"> 85", for_="5m"'))
    am_reloaded = metric(f"http://{HOST}:{host.am_port}/metrics", "alertmanager_config_last_reload_success_timestamp_seconds")
    plan = deploy(tree, host)
    changes = [line.split() for line in plan.stdout.splitlines() if line.split()[:1] in (["create"], ["change"], ["delete"])]
    assert changes == [["change", str(host.root / "etc/prometheus/alert_rules.yml")],
                       ["change", str(host.root / "var/lib/grafana/dashboards/mac/mac-system.json")]], plan.stdout
    # what the new rules mean, with mac diff's risk flags
    assert "  HighCPUUsage: threshold > 80 → > 85  [threshold loosened: fires less often]" in plan.stdout
    run = deploy(tree, host, "--apply")
    assert run.returncode == 0, run.stderr
    assert "prometheus: reloaded" in run.stderr and "alertmanager: reloaded" not in run.stderr and "nginx: reloaded" not in run.stderr
    assert "> 85" in live_rule(host, "HighCPUUsage")["query"]
    assert metric(f"http://{HOST}:{host.am_port}/metrics", "alertmanager_config_last_reload_success_timestamp_seconds") == am_reloaded

    # A rule mac and promtool accept but Prometheus cannot evaluate: `on()` matching of many
    # series with many. The reload succeeds, the rule's health is "err": rolled back.
    (tree / "alerts" / "broken.py").write_text('''
from monitoring_as_code import AlertRule, RuleGroup

broken = RuleGroup("broken", [AlertRule(
    name="ManyToMany", expr="up * on() group_left() up > 0", for_="1m", severity="warning",
    summary="many to many", description="Evaluating this fails: many series match one group on both sides.",
    runbook_url="https://example.com/runbook")])
''')
    wait_for_series(host)
    rules_before = (host.root / "etc/prometheus/alert_rules.yml").read_bytes()
    run = deploy(tree, host, "--apply")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "rules failing after the reload" in run.stderr and "ManyToMany" in run.stderr
    assert "prometheus: previous configuration reloaded and verified" in run.stderr
    assert "rolled back: every file is as it was before" in run.stderr
    assert (host.root / "etc/prometheus/alert_rules.yml").read_bytes() == rules_before
    assert live_rule(host, "ManyToMany") is None and "> 85" in live_rule(host, "HighCPUUsage")["query"]
    (tree / "alerts" / "broken.py").unlink()

    # --prune after removing a dashboard: that dashboard's file only, never a file not mac's.
    dashboards = host.root / "var/lib/grafana/dashboards/mac"
    (dashboards / "hand-made.json").write_text('{"uid": "hand-made", "title": "Hand made"}')
    (tree / "dashboards" / "redis.py").unlink()
    plan = deploy(tree, host, "--prune")
    deletes = [line.split()[1] for line in plan.stdout.splitlines() if line.split()[:1] == ["delete"]]
    assert deletes == [str(dashboards / "mac-redis.json")], plan.stdout
    run = deploy(tree, host, "--apply", "--prune")
    assert run.returncode == 0, run.stderr
    assert not (dashboards / "mac-redis.json").exists() and (dashboards / "hand-made.json").exists()
    assert sorted(p.name for p in dashboards.iterdir()) == ["hand-made.json", "mac-api.json", "mac-nginx.json",
                                                            "mac-postgresql.json", "mac-system.json", "slo-api.json"]


def wait_for_series(host):
    """`up` must have two series (two failing scrape targets) for the broken rule to fail."""
    deadline = time.monotonic() + 60
    while len(get(f"{host.prometheus}/api/v1/query?query=up")["data"]["result"]) < 2:
        assert time.monotonic() < deadline, "Prometheus has not scraped its targets in 60 s"
        time.sleep(1)


def test_the_plan_changes_only_what_is_mac_s(tmp_path):
    """Ownership without services: mac's header, or the manifest of what mac deployed and
    nobody changed since; everything else is refused, and --prune passes it over."""
    from monitoring_as_code.deploy import plan as plan_
    from monitoring_as_code.deploy.apply import _record
    from monitoring_as_code.model.stack import Grafana
    from monitoring_as_code.model.stack import Host as HostTarget

    host, grafana, root = HostTarget(), Grafana(), str(tmp_path)
    header = b"# Generated by mac (monitoring_as_code) from alerts/*.py. Do not edit.\n"
    files = {"prometheus/alert_rules.yml": header + b"groups: []\n", "prometheus/prometheus.yml": header + b"global: {}\n",
             "nginx/monitoring.conf": header + b"location / {}\n", "grafana/dashboards/a.json": b'{"uid": "a"}',
             "grafana/dashboards/b.json": b'{"uid": "b"}', "prometheus/tests/A.yml": b"tests: []\n"}
    etc = tmp_path / "etc"
    (etc / "prometheus").mkdir(parents=True)
    (etc / "prometheus" / "alert_rules.yml").write_bytes(header + b"groups: [old]\n")  # mac's: changed
    (etc / "prometheus" / "prometheus.yml").write_bytes(b"global: {}\n")  # Debian's: refused
    dashboards = tmp_path / "var/lib/grafana/dashboards/mac"
    dashboards.mkdir(parents=True)
    (dashboards / "a.json").write_bytes(b'{"uid": "a"}')  # the same: unchanged
    (dashboards / "b.json").write_bytes(b'{"uid": "b", "edited": "by hand"}')  # not in the manifest: refused
    (dashboards / "gone.json").write_bytes(b'{"uid": "gone"}')  # deployed by mac once, no longer built
    (dashboards / "mine.json").write_bytes(b'{"uid": "mine"}')  # someone's own
    gone = plan_.Plan(root=root, actions=[plan_.Action("create", "grafana", str(dashboards / "gone.json"),
                                                       "grafana/dashboards/gone.json")])
    _record(host, root, gone, {"grafana/dashboards/gone.json": b'{"uid": "gone"}'})

    p = plan_.make(files, host, grafana, root, prune=True)
    got = {(a.kind, os.path.relpath(a.path, root)) for a in p.actions}
    assert got == {("change", "etc/prometheus/alert_rules.yml"), ("refuse", "etc/prometheus/prometheus.yml"),
                   ("create", "etc/nginx/snippets/monitoring.conf"), ("refuse", "var/lib/grafana/dashboards/mac/b.json"),
                   ("delete", "var/lib/grafana/dashboards/mac/gone.json")}
    assert p.unchanged == 1 and p.not_deployed["prometheus/tests/A.yml"].startswith("alert tests")
    assert set(p.reloads) == {"prometheus", "nginx", "grafana"}
    # a file mac deployed and someone then edited is no longer mac's to delete
    (dashboards / "gone.json").write_bytes(b'{"uid": "gone", "edited": true}')
    p = plan_.make(files, host, grafana, root, prune=True)
    assert not any(a.kind == "delete" for a in p.actions)


def test_where_mac_deploys_is_checked_at_its_line(tmp_path):
    tree = bundled_tree(tmp_path / "src")
    with open(tree / "stack.py", "a") as f:
        f.write('''
import dataclasses as _dc
from monitoring_as_code.stack import Host, Kubernetes, Reload

stack = _dc.replace(stack, deploy=Host(prometheus_dir="etc/prometheus", nginx_url="127.0.0.1:80",
                                       nginx_reload=Reload(url="http://x/-/reload", argv=("nginx",))),
                    kubernetes=Kubernetes(namespace="Monitoring", rule_labels={"release": "kube prometheus"}))
''')
    run = run_mac("lint", cwd=tree)
    assert run.returncode == 1
    line = next(n for n, text in enumerate((tree / "stack.py").read_text().splitlines(), 1) if "deploy=Host(" in text)
    for message in ("Host prometheus_dir 'etc/prometheus' is not an absolute path",
                    "Host nginx_url '127.0.0.1:80' is not an http(s) URL with a host",
                    "Host nginx_reload needs a URL or a command, one of the two",
                    "Kubernetes namespace 'Monitoring' is not a namespace name",
                    "Kubernetes rule_labels value 'kube prometheus' is not a label value"):
        assert message in run.stderr + run.stdout, message
    assert f"stack.py:{line}: [error] Host prometheus_dir" in run.stdout  # at the Host(...) line
