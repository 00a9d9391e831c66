"""SLOs (issue 16): the bundled API SLOs compile to recording rules, burn-rate alerts and their
derived tier tests, which promtool passes; a mutated rule (another factor, a swapped window,
another objective) fails them; the workbook's times hold for a 30-day 99.9 % SLO."""
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT, run_mac, write_tree

BUILD = ROOT / "build" / "prometheus"


def rules_of(group_name):
    data = yaml.safe_load((BUILD / "alert_rules.yml").read_text())
    return next(g for g in data["groups"] if g["name"] == group_name)["rules"]


def test_the_bundled_slos_compile_to_rules_alerts_and_a_dashboard():
    rules = rules_of("slo-api-availability")
    records = [r["record"] for r in rules if "record" in r]
    for window in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"):
        for name in ("slo:sli_errors:rate", "slo:sli_total:rate", "slo:sli_error:ratio_rate"):
            assert f"{name}{window}" in records
    assert {"slo:objective:ratio", "slo:error_budget:ratio", "slo:error_budget_remaining:ratio"} <= set(records)
    period = next(r for r in rules if r.get("record") == "slo:sli_errors:rate30d")
    assert period["expr"] == '(sum(rate(http_requests_total{job="api", status=~"5.."}[30d])) or vector(0))'
    alerts = {r["alert"]: r for r in rules if "alert" in r}
    assert {a: (r["labels"]["severity"], r["labels"]["slo_tier"], r["for"]) for a, r in alerts.items()} == {
        "ApiAvailabilityBurnRate1h": ("critical", "page", "1m"),
        "ApiAvailabilityBurnRate6h": ("critical", "page", "6m"),
        "ApiAvailabilityBurnRate1d": ("warning", "ticket", "24m"),
        "ApiAvailabilityBurnRate3d": ("warning", "ticket", "72m"),
    }
    assert alerts["ApiAvailabilityBurnRate1h"]["expr"] == (
        'slo:sli_error:ratio_rate1h{slo="api-availability"} / 0.001 > 14.4\nand\n'
        'slo:sli_error:ratio_rate5m{slo="api-availability"} / 0.001 > 14.4')
    latency = {r.get("record"): r["expr"] for r in rules_of("slo-api-latency") if "record" in r}
    assert latency["slo:sli_errors:rate5m"] == (
        '(sum(rate(http_request_duration_seconds_count{job="api"}[5m])) - '
        'sum(rate(http_request_duration_seconds_bucket{job="api", le="0.5"}[5m])))')
    assert (ROOT / "build" / "grafana" / "dashboards" / "slo-api.json").exists()
    am = yaml.safe_load((ROOT / "build" / "alertmanager" / "alertmanager.yml").read_text())
    assert {"source_matchers": ['slo_tier="page"'], "target_matchers": ['slo_tier="ticket"'], "equal": ["slo"]} \
        in am["inhibit_rules"]


def test_promtool_checks_the_rules(promtool):
    run = subprocess.run([promtool, "check", "rules", str(BUILD / "alert_rules.yml")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_names(name_prefix="ApiAvailabilityBurnRate"):
    """The workbook's times for a 30-day 99.9 % SLO, stated in the derived tests' names."""
    names = {}
    for path in sorted(BUILD.glob(f"tests/{name_prefix}*.yml")):
        for test in yaml.safe_load(path.read_text())["tests"]:
            names.setdefault(path.stem, []).append(test["name"])
    page = names["ApiAvailabilityBurnRate1h"]
    outage = next(n for n in page if "total outage" in n)
    minutes = int(re.search(r"fires (\d+)m after", outage).group(1))
    assert minutes <= 3, outage  # its `for` (1m) included
    two = next(n for n in page if n.split(" / ")[1].startswith("2 % errors (20× budget)"))
    assert 43 <= int(re.search(r"fires (\d+)m after", two).group(1)) <= 46, two
    for tests in names.values():
        assert any("0.09 % errors (0.9× budget) never fires" in n for n in tests)
        assert any("just below" in n and "never fires" in n for n in tests)
        assert any("spike" in n and "never fires" in n for n in tests)
    assert len(names) == 4


@pytest.fixture
def tier_tests(tmp_path):
    shutil.copytree(BUILD / "tests", tmp_path / "tests")
    return tmp_path / "tests"


def promtool_test(promtool, folder, name):
    return subprocess.run([promtool, "test", "rules", f"{name}.yml"], cwd=folder, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("alert", ["ApiAvailabilityBurnRate1h", "ApiAvailabilityBurnRate6h",
                                   "ApiLatencyBurnRate1h"])
def test_promtool_agrees_with_the_derived_tests(promtool, tier_tests, alert):
    run = promtool_test(promtool, tier_tests, alert)
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.parametrize("mutation", [
    ("a factor changed", "> 14.4\nand", "> 12\nand"),
    ("a window swapped", "ratio_rate1h{", "ratio_rate6h{"),
    ("the objective changed", " / 0.001 > 14.4\nand", " / 0.002 > 14.4\nand"),
])
def test_a_mutated_rule_fails_the_derived_tests(promtool, tier_tests, mutation):
    """The tier tests say something: the rule with one thing changed does not pass them."""
    _, old, new = mutation
    rule_file = tier_tests / "rules" / "ApiAvailabilityBurnRate1h.yml"
    data = yaml.safe_load(rule_file.read_text())
    rules = data["groups"][0]["rules"]
    if mutation[0] == "a window swapped":  # the 6h ratio must be recorded for the rule to read it
        source = {r["record"]: r for r in rules_of("slo-api-availability") if "record" in r}
        rules[:0] = [source[f"slo:sli_{kind}:rate6h"] for kind in ("errors", "total")] + \
                    [source["slo:sli_error:ratio_rate6h"]]
    alert = next(r for r in rules if r.get("alert") == "ApiAvailabilityBurnRate1h")
    assert old in alert["expr"]
    alert["expr"] = alert["expr"].replace(old, new, 1)
    rule_file.write_text(yaml.safe_dump(data, sort_keys=False))
    assert promtool_test(promtool, tier_tests, "ApiAvailabilityBurnRate1h").returncode == 1


def test_a_hand_written_test_on_an_slo_alert(tmp_path):
    write_tree(tmp_path, {
        "alerts/slos.py": '''
            from monitoring_as_code import SLO, Ratio
            from monitoring_as_code.testing import AlertTest, Series, counter, fires

            shop = SLO("shop", service="shop", sli=Ratio(errors='http_requests_total{job="shop", status="500"}',
                                                          total='http_requests_total{job="shop"}'),
                       runbook_url="https://example.org/runbooks/shop")
            down = AlertTest(shop.alert("1h"), "everything fails", series=[
                Series('http_requests_total{job="shop", status="500"}', counter(10, "30m")),
            ], expect=[fires("10m")])
        ''',
    })
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    run = run_mac("test", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok    everything fails" in run.stdout
    assert "ShopBurnRate1h" in run.stdout


def test_bad_slos_are_errors_at_their_line(tmp_path):
    write_tree(tmp_path, {
        "alerts/slos.py": '''
            from monitoring_as_code import SLO, BurnRate, Latency, Ratio

            SEL = dict(errors='http_requests_total{job="api", status=~"5.."}', total='http_requests_total{job="api"}')
            zero = SLO("zero", service="api", objective=0, sli=Ratio(**SEL))
            short = SLO("short", service="api", period="2h", sli=Ratio(**SEL))
            wide = SLO("wide", service="api", sli=Ratio(**SEL), alerts=BurnRate(tiers=[(2, "40d", "1h", "warning")]))
            slow = SLO("slow", service="api", sli=Latency(histogram="http_request_duration_seconds", threshold=0.4))
        ''',
    })
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 1
    for line, text in [(4, "SLO zero: objective 0 is not a percentage strictly between 0 and 100"),
                       (5, "SLO short: period 2h is shorter than 1d"),
                       (6, "SLO wide: tier 2×: the long window 40d is longer than the period 30d"),
                       (7, "SLO slow: 0.4 s is not a bucket boundary of http_request_duration_seconds")]:
        assert f"alerts/slos.py:{line}: [error] {text}" in run.stderr, run.stderr
    assert not (tmp_path / "build").exists()


def test_other_slis_periods_and_tiers(tmp_path):
    """Availability and {window} SLIs compile (their rules pass promtool check at compile time)
    and say that their tests are to be written; a 28-day period scales the workbook's windows;
    custom tiers replace them; the SLO's description reaches its dashboard."""
    write_tree(tmp_path, {
        "alerts/slos.py": '''
            from monitoring_as_code import SLO, Availability, BurnRate, Ratio

            RB = "https://example.org/runbooks/slo"
            up = SLO("node-up", service="node", sli=Availability(up_selector='up{job="node"}'), runbook_url=RB)
            custom = SLO("api-custom", service="api", period="28d", runbook_url=RB, description="Custom errors.",
                         sli=Ratio(errors='sum(rate(http_requests_total{job="api", status="500"}[{window}]))',
                                   total='sum(rate(http_requests_total{job="api"}[{window}]))'),
                         alerts=BurnRate(tiers=[(10, "2h", "10m", "critical")]))
            scaled = SLO("api-28d", service="api", period="28d", runbook_url=RB, alerts=BurnRate(ticket=False),
                         sli=Ratio(errors='http_requests_total{job="api", status="500"}',
                                   total='http_requests_total{job="api"}'))
        ''',
    })
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "SLO node-up" not in run.stderr  # nothing wrong with it
    assert "cannot generate boundary tests: tests are derived for Ratio and Latency SLIs" in run.stderr
    assert "SLO api-custom: mac cannot check that the total counts every error" in run.stderr
    rules = yaml.safe_load((tmp_path / "build" / "prometheus" / "alert_rules.yml").read_text())
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
    assert alerts == {"NodeUpBurnRate1h", "NodeUpBurnRate6h", "NodeUpBurnRate1d", "NodeUpBurnRate3d",
                      "ApiCustomBurnRate2h", "Api28dBurnRate56m", "Api28dBurnRate336m"}  # 1h and 6h × 28/30
    records = {r["record"]: r["expr"] for g in rules["groups"] if g["name"] == "slo-api-custom"
               for r in g["rules"] if "record" in r}
    assert records["slo:sli_errors:rate10m"] == 'sum(rate(http_requests_total{job="api", status="500"}[10m]))'
    assert "slo:sli_error:ratio_rate28d" in records
    up = {r["record"]: r["expr"] for g in rules["groups"] if g["name"] == "slo-node-up" for r in g["rules"]
          if "record" in r}
    assert up["slo:sli_total:rate5m"] == 'sum(count_over_time(up{job="node"}[5m]))'
    dashboard = (tmp_path / "build" / "grafana" / "dashboards" / "slo-api.json").read_text()
    assert "Custom errors." in dashboard


def test_what_an_slo_pastes_into_promql_is_checked_for_its_place(tmp_path):
    """An SLI selector must be a selector (a fragment that would close rate(…) and add a term
    is an error at the SLO's line), and the SLO's name reaches PromQL as a quoted string."""
    write_tree(tmp_path, {
        "alerts/slos.py": '''
            from monitoring_as_code import SLO, Latency, Ratio

            RB = "https://example.org/runbooks/slo"
            sneaky = SLO("sneaky", service="api", runbook_url=RB,
                         sli=Ratio(errors='http_requests_total[5m])) or vector(1) or (sum(rate(up',
                                   total='http_requests_total{job="api"}'))
            matchers = SLO("matchers", service="api", runbook_url=RB,
                           sli=Latency(histogram="http_request_duration_seconds", threshold=0.5, selector='job="api"} or up{'))
        ''',
    })
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 1
    assert "alerts/slos.py:4: [error] SLO sneaky: sli errors" in run.stderr
    assert "is neither a series selector nor an expression with {window}" in run.stderr
    assert "alerts/slos.py:7: [error] SLO matchers: sli selector" in run.stderr
    write_tree(tmp_path, {
        "alerts/slos.py": '''
            from monitoring_as_code import SLO, Ratio

            quoted = SLO('a"b', service="api", runbook_url="https://example.org/runbooks/slo",
                         sli=Ratio(errors='http_requests_total{job="api", status="500"}', total='http_requests_total{job="api"}'))
        ''',
    })
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rules = yaml.safe_load((tmp_path / "build" / "prometheus" / "alert_rules.yml").read_text())["groups"][0]["rules"]
    ratio = next(r for r in rules if r.get("record") == "slo:sli_error:ratio_rate1h")
    assert ratio["expr"] == 'slo:sli_errors:rate1h{slo="a\\"b"} / slo:sli_total:rate1h{slo="a\\"b"}'
    assert ratio["labels"]["slo"] == 'a"b'
