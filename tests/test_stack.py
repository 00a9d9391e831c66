"""The rest of the stack from stack.py: each file is accepted by the program that reads it,
and the routes and targets work on real servers on 127.0.0.1."""
import base64
import http.client
import http.server
import json
import shutil
import subprocess
import sys
import threading

import pytest
import yaml

from conftest import ROOT, run_mac, tree_bytes, write_tree

sys.path.insert(0, str(ROOT / "scripts"))
from loopback import HOST, Stack, free_port  # noqa: E402


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("stack") / "build"
    result = run_mac("compile", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out


def tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `make test` (it installs the Debian packages)")
    return path


def test_stack_files_are_written(out):
    files = set(tree_bytes(out))
    assert {"prometheus/prometheus.yml", "alertmanager/alertmanager.yml", "alertmanager/templates/email.tmpl",
            "grafana/provisioning/datasources/prometheus.yml", "grafana/provisioning/dashboards/provider.yml",
            "grafana/provisioning/alerting/contact-points.yml", "grafana/grafana.ini", "nginx/monitoring.conf"} <= files


def test_prometheus_config_passes_promtool(out):
    result = subprocess.run([tool("promtool"), "check", "config", str(out / "prometheus" / "prometheus.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load((out / "prometheus" / "prometheus.yml").read_text())
    assert [j["job_name"] for j in config["scrape_configs"]] == ["node", "postgres", "redis", "nginx", "api"]
    ports = [j["static_configs"][0]["targets"][0].rsplit(":", 1)[1] for j in config["scrape_configs"]]
    assert ports == ["9100", "9187", "9121", "9113", "8000"]
    assert config["rule_files"] == ["alert_rules.yml"]
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["127.0.0.1:9093"]


def test_alertmanager_config_passes_amtool_and_routes_by_severity(out):
    config = out / "alertmanager" / "alertmanager.yml"
    amtool = tool("amtool")
    result = subprocess.run([amtool, "check-config", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for severity in ("critical", "warning"):
        result = subprocess.run([amtool, "config", "routes", "test", f"--config.file={config}",
                                 f"--verify.receivers=email-{severity}", f"severity={severity}", "alertname=X"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    wrong = subprocess.run([amtool, "config", "routes", "test", f"--config.file={config}",
                            "--verify.receivers=email-critical", "severity=warning"], capture_output=True, text=True)
    assert wrong.returncode == 1
    data = yaml.safe_load(config.read_text())
    assert data["global"]["smtp_smarthost"] == "smtp-relay.brevo.com:587"
    assert data["global"]["smtp_require_tls"] is True
    assert data["global"]["smtp_auth_password_file"] == "/etc/alertmanager/smtp_password"
    routes = {r["receiver"]: r for r in data["route"]["routes"]}
    assert routes["email-critical"]["repeat_interval"] == "1h" and routes["email-critical"]["group_wait"] == "10s"
    assert routes["email-warning"]["repeat_interval"] == "4h"
    assert data["inhibit_rules"] == [
        {"source_matchers": ['severity="critical"', 'instance=~".+"'], "target_matchers": ['severity="warning"'],
         "equal": ["instance"]},
        {"source_matchers": ['slo_tier="page"'], "target_matchers": ['slo_tier="ticket"'], "equal": ["slo"]}]


def test_email_template_renders_summary_description_and_runbook(out):
    folder = out / "alertmanager"
    result = subprocess.run([tool("amtool"), "template", "render", "--template.glob", "templates/*.tmpl",
                             "--template.text", '{{ template "mac.email.subject" . }}|{{ template "mac.email.html" . }}'],
                            cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "<html>" in result.stdout and "</body></html>" in result.stdout
    text = (folder / "templates" / "email.tmpl").read_text()
    for field in (".Annotations.summary", ".Annotations.description", ".Annotations.runbook_url"):
        assert field in text


def test_grafana_provisioning_matches_the_dashboards(out):
    ds = yaml.safe_load((out / "grafana/provisioning/datasources/prometheus.yml").read_text())["datasources"][0]
    dashboards = [json.loads(p.read_text()) for p in (out / "grafana" / "dashboards").glob("*.json")]
    defaults = {v["current"]["value"] for d in dashboards for v in d["templating"]["list"] if v["type"] == "datasource"}
    assert defaults == {ds["uid"]} and ds["type"] == "prometheus"
    provider = yaml.safe_load((out / "grafana/provisioning/dashboards/provider.yml").read_text())["providers"][0]
    assert provider["type"] == "file" and provider["options"]["path"].startswith("/")
    contact = yaml.safe_load((out / "grafana/provisioning/alerting/contact-points.yml").read_text())
    receiver = contact["contactPoints"][0]["receivers"][0]
    assert receiver["type"] == "email" and receiver["settings"]["addresses"] == "oncall@example.com"
    ini = (out / "grafana" / "grafana.ini").read_text()
    assert "serve_from_sub_path = true" in ini and "password = $__file{/etc/alertmanager/smtp_password}" in ini


def test_no_secret_in_build(tmp_path, bundled_copy):
    secret = "brevo-smtp-key-do-not-leak-0123456789"
    (bundled_copy / "smtp_password").write_text(secret)
    stack = (ROOT / "stack.py").read_text().replace("/etc/alertmanager/smtp_password",
                                                    str(bundled_copy / "smtp_password"))
    (bundled_copy / "stack.py").write_text(stack)
    assert run_mac("compile", "--out", "build", cwd=bundled_copy).returncode == 0
    blob = b"".join(tree_bytes(bundled_copy / "build").values())
    assert secret.encode() not in blob
    assert b"smtp_auth_password:" not in blob and b"smtp_auth_password_file:" in blob


def test_nginx_accepts_the_locations(out, tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    server {{
        listen 127.0.0.1:{free_port()};
        include {out}/nginx/monitoring.conf;
    }}
}}
""")
    result = subprocess.run([tool("nginx"), "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


class _Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = f"{self.server.name} {self.path} upgrade={self.headers.get('Upgrade', '')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _upstream(name):
    server = http.server.ThreadingHTTPServer((HOST, 0), _Upstream)
    server.name = name
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _get(port, path, auth=None, source="127.0.0.1", headers=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=10, source_address=(source, 0))
    headers = dict(headers or {})
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def test_nginx_routes_on_loopback(tmp_path):
    upstreams = {name: _upstream(name) for name in ("grafana", "prometheus", "api")}
    addr = {name: f"{HOST}:{s.server_address[1]}" for name, s in upstreams.items()}
    (tmp_path / "htpasswd").write_text("admin:{PLAIN}s3cret-for-tests\n")
    write_tree(tmp_path / "src", {"stack.py": f'''
        from monitoring_as_code.stack import Nginx, Stack

        stack = Stack(nginx=Nginx(grafana_upstream="{addr['grafana']}", prometheus_upstream="{addr['prometheus']}",
                                  metrics_upstream="{addr['api']}", htpasswd_file="{tmp_path}/htpasswd",
                                  metrics_allow=["127.0.0.2"]))
        '''})
    assert run_mac("compile", "--out", "build", cwd=tmp_path / "src").returncode == 0
    port = free_port()
    server = f"""
    server {{
        listen {HOST}:{port};
        include {tmp_path}/src/build/nginx/monitoring.conf;
    }}"""
    try:
        with Stack() as stack:
            stack.nginx(extra_server=server)
            from loopback import wait_port
            wait_port(port)
            assert _get(port, "/prometheus/api/v1/query")[0] == 401
            assert _get(port, "/prometheus/api/v1/query", auth="admin:wrong")[0] == 401
            status, body = _get(port, "/prometheus/api/v1/query", auth="admin:s3cret-for-tests")
            assert (status, body.split()[:2]) == (200, ["prometheus", "/prometheus/api/v1/query"])
            status, body = _get(port, "/grafana/d/mac-api")
            assert (status, body.split()[:2]) == (200, ["grafana", "/grafana/d/mac-api"])
            status, body = _get(port, "/grafana/api/live/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
            assert status == 200 and body.endswith("upgrade=websocket")
            assert _get(port, "/metrics")[0] == 403  # 127.0.0.1 is not on the allow list
            status, body = _get(port, "/metrics", source="127.0.0.2")
            assert (status, body.split()[:2]) == (200, ["api", "/metrics"])
    finally:
        for s in upstreams.values():
            s.shutdown()
