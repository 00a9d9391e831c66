"""Property (issue 12): for any values in any field, `mac compile` either fails with problems
at file:line and leaves build/ as it was, or every real checker accepts the output and it
means what was written: on a live nginx on 127.0.0.1 /prometheus/ still asks for a password
and /metrics still refuses addresses off the allow list; grafana.ini has exactly mac's
sections and the values given; rules carry the labels, annotations and thresholds given."""
import base64
import configparser
import http.client
import ipaddress
import math
import os
import re
import sys

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_mac, tree_bytes, write_tree

sys.path.insert(0, str(ROOT / "scripts"))
from loopback import HOST, Stack, free_port, wait_port  # noqa: E402

HOSTILE = list(";{}$#\"'\\ \n\t\r/:.-_=@,%[]()*~") + ["\x00", "é", "\u2028", "all", "..", "allow all", "${X}"]
PROBLEM = re.compile(r"^\S+:\d+(:\d+)?: \[error\] ")


def hostile_text(valid):
    """Valid values, arbitrary text, and valid values with hostile text around them."""
    pieces = st.lists(st.sampled_from(HOSTILE + list("abcXYZ019")), max_size=8).map("".join)
    return st.one_of(st.sampled_from(valid), pieces,
                     st.tuples(st.sampled_from(valid), pieces).map(lambda t: t[0] + t[1]),
                     st.tuples(pieces, st.sampled_from(valid)).map(lambda t: t[0] + t[1]))


def anything(valid):
    """Mostly text, sometimes a value of another type."""
    return st.one_of(hostile_text(valid), st.integers(-5, 70000), st.floats(allow_nan=True),
                     st.lists(st.sampled_from(valid), max_size=2), st.none())


UPSTREAMS = ["127.0.0.1:3000", "127.0.0.1:9090", "[::1]:8000", "127.0.0.1:65535"]
PATHS = ["/etc/nginx/prometheus.htpasswd", "/tmp/x.htpasswd"]
ALLOW = ["127.0.0.1", "10.0.0.0/8", "::1", "127.0.0.0/8", "192.168.1.0/24", "all"]
PREFIXES = ["/prometheus/", "/prom/", "/a/b/"]

FIELDS = {
    "grafana_upstream": UPSTREAMS, "prometheus_upstream": UPSTREAMS, "metrics_upstream": UPSTREAMS,
    "htpasswd_file": PATHS, "prometheus_external_path": PREFIXES,
    "root_url": ["%(protocol)s://%(domain)s/grafana/", "https://example.com/grafana/"],
    "folder": ["mac", "Team dashboards"], "username": ["alerts@example.com", "apikey"],
    "job": ["node", "api"], "target": ["127.0.0.1:9100", "db-1:9187"],
}
ALLOW_LISTS = st.lists(st.sampled_from(ALLOW), min_size=1, max_size=3)
HOSTILE_ALLOW = st.one_of(st.lists(hostile_text(ALLOW), min_size=1, max_size=3),
                          st.frozensets(st.sampled_from(ALLOW), min_size=1, max_size=2), hostile_text(ALLOW))


@st.composite
def stacks(draw):
    """Valid settings but for up to two fields, which get anything: so both verdicts occur."""
    hostile = draw(st.sets(st.sampled_from(sorted(FIELDS) + ["metrics_allow"]), max_size=2))
    values = {name: draw(anything(valid) if name in hostile else st.sampled_from(valid))
              for name, valid in FIELDS.items()}
    values["metrics_allow"] = draw(HOSTILE_ALLOW if "metrics_allow" in hostile else ALLOW_LISTS)
    values["metrics_allow_all"] = draw(st.booleans())
    return values


# MAC_PROPERTY_EXAMPLES=500 for a longer hunt; 30 keep `make test` around a minute for these.
SETTINGS = settings(max_examples=int(os.environ.get("MAC_PROPERTY_EXAMPLES", "30")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])


def stack_source(v) -> str:
    return f"""
from monitoring_as_code.stack import Alertmanager, Email, Grafana, Nginx, ScrapeJob, Stack

stack = Stack(
    jobs=[ScrapeJob({v['job']!r}, [{v['target']!r}])],
    alertmanager=Alertmanager(email=Email(to="oncall@example.com", sender="alerts@example.com",
                                          username={v['username']!r}, password_file="/etc/alertmanager/smtp")),
    grafana=Grafana(root_url={v['root_url']!r}, folder={v['folder']!r}),
    nginx=Nginx(grafana_upstream={v['grafana_upstream']!r}, prometheus_upstream={v['prometheus_upstream']!r},
                metrics_upstream={v['metrics_upstream']!r}, htpasswd_file={v['htpasswd_file']!r},
                metrics_allow={v['metrics_allow']!r}, metrics_allow_all={v['metrics_allow_all']!r}),
    prometheus_external_path={v['prometheus_external_path']!r},
)
"""


GOOD = {"alerts/a.py": """
from monitoring_as_code import AlertRule, RuleGroup

g = RuleGroup("g", [AlertRule(name="A", expr='up{job="node"} == 0', for_="1m", summary="s", description="{{ $value }}")])
"""}


def compile_over_good_build(tmp_path, files):
    """A first good compile, then the generated files: (result, build before, src)."""
    src = write_tree(tmp_path, GOOD)
    assert run_mac("compile", "--out", "build", cwd=src).returncode == 0
    before = tree_bytes(src / "build")
    for rel, text in files.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return run_mac("compile", "--no-cache", "--require-checkers", "--out", "build", cwd=src), before, src


def assert_refused_or_accepted(result, before, src) -> bool:
    """True when accepted; when refused, the promise of a refusal holds."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    if result.returncode == 1:
        assert any(PROBLEM.match(l) for l in result.stderr.splitlines()), result.stderr
        assert tree_bytes(src / "build") == before
        event("refused")
        return False
    event("accepted")
    return True


def _get(port, path, auth=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    connection.request("GET", path, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def _covers_loopback(allow) -> bool:
    for entry in allow:
        if entry == "all":
            return True
        if ipaddress.ip_address("127.0.0.1") in ipaddress.ip_network(entry, strict=False):
            return True
    return False


@SETTINGS
@given(values=stacks())
def test_any_stack_settings_are_refused_or_mean_what_they_say(tmp_path_factory, values):
    tmp = tmp_path_factory.mktemp("stack")
    result, before, src = compile_over_good_build(tmp / "src", {"stack.py": stack_source(values)})
    if not assert_refused_or_accepted(result, before, src):
        return
    build = src / "build"
    # grafana.ini: mac's sections only, the values as given.
    ini = configparser.ConfigParser(interpolation=None, strict=True)
    ini.read_string((build / "grafana/grafana.ini").read_text())
    assert ini.sections() == ["server", "smtp"]
    assert set(ini["server"]) == {"root_url", "serve_from_sub_path"}
    assert ini["server"]["root_url"] == values["root_url"]
    assert ini["smtp"]["user"] == values["username"]
    # prometheus.yml: the job and target as given.
    config = yaml.safe_load((build / "prometheus/prometheus.yml").read_text())
    assert [(j["job_name"], j["static_configs"][0]["targets"]) for j in config["scrape_configs"]] == \
        [(values["job"], [values["target"]])]
    # nginx: the htpasswd file as given, auth and the allow list intact on a live server.
    conf = (build / "nginx/monitoring.conf").read_text()
    assert f"        auth_basic_user_file {values['htpasswd_file']};\n" in conf
    port = free_port()
    with Stack() as stack:
        stack.nginx(extra_server=f"server {{ listen {HOST}:{port}; include {build}/nginx/monitoring.conf; }}")
        wait_port(port)
        # Never proxied (that would be 502: nothing listens upstream) without valid credentials:
        # 401 without any, 401 or 403 with wrong ones (403 when the htpasswd file is absent).
        assert _get(port, values["prometheus_external_path"]) == 401
        assert _get(port, values["prometheus_external_path"], auth="admin:guess") in (401, 403)
        allowed = _covers_loopback(values["metrics_allow"])
        assert (_get(port, "/metrics") != 403) == allowed


RULE_FIELDS = {
    "name": (st.sampled_from(["DiskFull", "HighLoad"]), hostile_text(["DiskFull", "HighLoad"])),
    "threshold": (st.one_of(st.integers(-10**6, 10**6), st.floats(-1e9, 1e9)),
                  st.floats(allow_nan=True, allow_infinity=True)),
    "for_": (st.sampled_from(["5m", "1h30m", "30s"]), anything(["5m", "1h30m", "30s"])),
    "severity": (st.sampled_from(["warning", "critical", "info"]), anything(["warning", "critical", "info"])),
    "labels": (st.dictionaries(st.sampled_from(["team", "tier"]), st.sampled_from(["ops", "1"]), max_size=2),
               st.dictionaries(hostile_text(["team", "tier", "severity"]),
                               anything(["ops", "1", "warning", "critical"]), max_size=3)),
    "summary": (st.sampled_from(["{{ $labels.instance }} is down", "{{ $value | humanize }}", "plain"]),
                hostile_text(["{{ $labels.instance }} is down", "{{ $value | humanize }}", "{{ end }}"])),
    "title": (st.sampled_from(["Overview", "Load"]), anything(["Overview", ""])),
}


@st.composite
def rules(draw):
    """A valid rule and dashboard but for up to two fields, which get anything."""
    hostile = draw(st.sets(st.sampled_from(sorted(RULE_FIELDS)), max_size=2))
    values = {name: draw(bad if name in hostile else good) for name, (good, bad) in RULE_FIELDS.items()}
    values["op"] = draw(st.sampled_from([">", "<", ">=", "<=", "==", "!="]))
    return values


@SETTINGS
@given(values=rules())
def test_any_rule_and_dashboard_is_refused_or_kept_as_written(tmp_path_factory, values):
    tmp = tmp_path_factory.mktemp("rule")
    threshold = values["threshold"]
    number = repr(threshold) if isinstance(threshold, int) or math.isfinite(threshold) else \
        ("NaN" if math.isnan(threshold) else ("Inf" if threshold > 0 else "-Inf"))
    expr = f'node_load1{{job="node"}} {values["op"]} {number}'
    alert = f"""
from monitoring_as_code import AlertRule, Dashboard, RuleGroup, Stat

rule = AlertRule(name={values['name']!r}, expr={expr!r}, for_={values['for_']!r}, severity={values['severity']!r},
                 labels={values['labels']!r}, summary={values['summary']!r}, description="{{{{ $value }}}}",
                 runbook_url="https://example.org/runbook", boundary=False)
g = RuleGroup("g2", [rule])
d = Dashboard(title={values['title']!r}, uid="d", panels=[Stat("Load", queries=['node_load1{{job="node"}}'],
              unit="short", description="load")])
"""
    result, before, src = compile_over_good_build(tmp / "src", {"alerts/b.py": alert})
    if not assert_refused_or_accepted(result, before, src):
        return
    groups = yaml.safe_load((src / "build/prometheus/alert_rules.yml").read_text())["groups"]
    (rule,) = [r for g in groups if g["name"] == "g2" for r in g["rules"]]
    assert rule["alert"] == values["name"]
    assert rule["expr"] == expr
    # An accepted empty severity (a warning: imported rules have none) writes no severity label.
    expected = {**values["labels"], **({"severity": values["severity"]} if values["severity"] else {})}
    assert rule.get("labels", {}) == expected
    assert rule["annotations"].get("summary", "") == values["summary"]  # an empty one is left out
    dashboard = yaml.safe_load((src / "build/grafana/dashboards/d.json").read_text())
    assert dashboard["title"] == values["title"]


@pytest.mark.parametrize("allow, allowed", [(["127.0.0.2"], False), (["127.0.0.0/8"], True), (["10.0.0.0/8"], False)])
def test_the_live_check_itself_can_fail(tmp_path, allow, allowed):
    """The property's nginx check distinguishes an open /metrics from a closed one."""
    values = {"grafana_upstream": "127.0.0.1:3000", "prometheus_upstream": "127.0.0.1:9090",
              "metrics_upstream": "127.0.0.1:8000", "htpasswd_file": "/tmp/x.htpasswd", "metrics_allow": allow,
              "metrics_allow_all": False, "prometheus_external_path": "/prometheus/",
              "root_url": "https://example.com/grafana/", "folder": "mac", "username": "apikey", "job": "node",
              "target": "127.0.0.1:9100"}
    result, before, src = compile_over_good_build(tmp_path / "src", {"stack.py": stack_source(values)})
    assert result.returncode == 0, result.stderr
    port = free_port()
    with Stack() as stack:
        stack.nginx(extra_server=f"server {{ listen {HOST}:{port}; include {src}/build/nginx/monitoring.conf; }}")
        wait_port(port)
        assert _get(port, "/prometheus/") == 401
        assert (_get(port, "/metrics") != 403) == allowed
