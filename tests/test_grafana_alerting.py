"""Grafana-managed alert rules (issue 15): rules.yml holds every bundled alert with the same
threshold and `for` as alert_rules.yml, validates against Grafana's published alerting schema,
and fires where the Prometheus rule fires: each Grafana rule, read back as the PromQL its query
and threshold mean, passes every promtool test derived for the Prometheus alert."""
import json
import shutil
import subprocess

import jsonschema
import pytest
import yaml

from conftest import ROOT, bundled_tree, run_mac, write_tree

FSDK = ROOT.parent / "shared" / "reference" / "grafana" / "fsdk-main"
SYMBOL = {"gt": ">", "lt": "<", "gte": ">=", "lte": "<=", "eq": "==", "ne": "!="}
SEED = {"DiskSpaceLow", "PostgreSQLDown", "RedisDown", "HighCPUUsage", "HighMemoryUsage", "TooManyDBConnections",
        "HighErrorRate", "SlowResponseTime", "JobQueueBacklog"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """The bundled definitions with grafana_alerting = true, compiled."""
    src = bundled_tree(tmp_path_factory.mktemp("alerting"), "[tool.mac]\ngrafana_alerting = true\n")
    run = run_mac("compile", "--out", "build", cwd=src)
    assert run.returncode == 0, run.stderr
    return src


def grafana_rules(src):
    data = yaml.safe_load((src / "build" / "grafana" / "provisioning" / "alerting" / "rules.yml").read_text())
    return {rule["title"]: (group, rule) for group in data["groups"] for rule in group["rules"]}


def prometheus_rules(src):
    data = yaml.safe_load((src / "build" / "prometheus" / "alert_rules.yml").read_text())
    return {rule["alert"]: (group, rule) for group in data["groups"] for rule in group["rules"] if "alert" in rule}


def threshold(rule):
    """(query, operator, number) of a Grafana rule: its condition's threshold on its reduce of A."""
    by_ref = {d["refId"]: d for d in rule["data"]}
    condition = by_ref[rule["condition"]]["model"]
    assert condition["type"] == "threshold"
    reduce_ = by_ref[condition["expression"]]["model"]
    assert reduce_["type"] == "reduce" and reduce_["reducer"] == "last"
    query = by_ref[reduce_["expression"]]
    assert query["model"]["instant"] is True and query["datasourceUid"] == "prometheus"
    evaluator = condition["conditions"][0]["evaluator"]
    return query["model"]["expr"], SYMBOL[evaluator["type"]], evaluator["params"][0]


def test_every_bundled_alert_with_its_threshold_and_for(tree):
    from monitoring_as_code import promql

    grafana, prometheus = grafana_rules(tree), prometheus_rules(tree)
    assert set(grafana) == set(prometheus) and SEED <= set(grafana)
    for name, (group, rule) in grafana.items():
        pgroup, prule = prometheus[name]
        found = promql.comparison(prule["expr"])
        query, op, number = threshold(rule)
        assert (op, number) == (found.op, found.value), name
        assert rule["for"] == prule.get("for", "0s"), name
        assert rule["labels"] == prule["labels"] and group["name"] == pgroup["name"]
        assert rule["annotations"].keys() == prule["annotations"].keys()
        assert rule["uid"] == name and rule["noDataState"] == "OK" and rule["execErrState"] == "KeepLast"
        assert rule["notification_settings"]["receiver"] == "email"
    # Prometheus evaluates every 15 s; Grafana's scheduler ticks every 10 s.
    assert {g["interval"] for g, _ in grafana.values()} == {"10s"}


@pytest.mark.skipif(not FSDK.is_dir(), reason="../shared/reference/grafana is not here")
def test_rules_validate_against_grafanas_alerting_schema(tree):
    """The file format is read by Grafana into its API model (rules_types.go: the group's
    folder, org and name go to each rule; durations become seconds); that model is what the
    published schema describes, so each group is validated as Grafana reads it."""
    schema = json.loads((FSDK / "alerting.jsonschema.json").read_text())
    group_validator = jsonschema.Draft7Validator(dict(schema, **{"$ref": "#/definitions/RuleGroup"}))
    data = yaml.safe_load((tree / "build" / "grafana" / "provisioning" / "alerting" / "rules.yml").read_text())
    assert data["apiVersion"] == 1
    from monitoring_as_code.model.durations import seconds

    checked = 0
    for group in data["groups"]:
        rules = []
        for rule in group["rules"]:
            model = {k: v for k, v in rule.items() if k not in ("keepFiringFor",)}
            model.update(folderUID="mac", orgID=group["orgId"], ruleGroup=group["name"])
            rules.append(model)
            checked += 1
        api = {"folderUid": "mac", "interval": int(seconds(group["interval"])), "rules": rules, "title": group["name"]}
        assert [e.message for e in group_validator.iter_errors(api)] == [], group["name"]
    assert checked == len(prometheus_rules(tree)) == 18  # the nine seed alerts, TargetDown, 8 SLO burn rates


def test_each_grafana_rule_fires_where_the_prometheus_rule_fires(tree, promtool, tmp_path):
    """Every derived promtool test of every alert (fires just above, stays quiet just below,
    pending for `for`, the `and` filter), run against the Grafana rule read back as PromQL:
    `(A) op number`, with the same `for` and labels."""
    grafana = grafana_rules(tree)
    tests = tree / "build" / "prometheus" / "tests"
    work = tmp_path / "tests"
    shutil.copytree(tests, work)
    ran = 0
    for rule_file in sorted((work / "rules").glob("*.yml")):
        data = yaml.safe_load(rule_file.read_text())
        for group in data["groups"]:
            for rule in group["rules"]:
                if "alert" not in rule:
                    continue
                query, op, number = threshold(grafana[rule["alert"]][1])
                rule["expr"] = f"({query}) {op} {number!r}"
                assert rule.get("for", "0s") == grafana[rule["alert"]][1]["for"]
        rule_file.write_text(yaml.safe_dump(data, sort_keys=False))
        test_file = work / rule_file.name
        run = subprocess.run([promtool, "test", "rules", test_file.name], cwd=work, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, f"{rule_file.name}:\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
        ran += yaml.safe_load(test_file.read_text())["tests"].__len__()
    assert ran >= 20


def test_the_read_back_sees_a_different_threshold(tree, promtool, tmp_path):
    """Not vacuous: the same read-back with the threshold moved fails the derived tests."""
    grafana = grafana_rules(tree)
    work = tmp_path / "tests"
    shutil.copytree(tree / "build" / "prometheus" / "tests", work)
    rule_file = work / "rules" / "HighCPUUsage.yml"
    data = yaml.safe_load(rule_file.read_text())
    query, op, number = threshold(grafana["HighCPUUsage"][1])
    data["groups"][0]["rules"][0]["expr"] = f"({query}) {op} {number + 5!r}"
    rule_file.write_text(yaml.safe_dump(data, sort_keys=False))
    run = subprocess.run([promtool, "test", "rules", "HighCPUUsage.yml"], cwd=work, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1


def test_only_marked_alerts_without_the_switch(tmp_path):
    """grafana_managed=True on one alert writes that one; an alert without a comparison with a
    number cannot be one (an error at its line); `$` in a label is written as `$$`."""
    write_tree(tmp_path, {
        "alerts/rules.py": '''
            from monitoring_as_code import AlertRule, RuleGroup

            hot = AlertRule("Hot", expr='temperature_celsius{job="x"} > 30', for_="5m", severity="warning",
                            summary="Hot", description="{{ $value }} degrees", labels={"team": "a$b"},
                            grafana_managed=True)
            cold = AlertRule("Cold", expr='temperature_celsius{job="x"} < 0', for_="5m", severity="warning",
                             summary="Cold", description="{{ $value }} degrees")
            group = RuleGroup("climate", [hot, cold])
        ''',
        "pyproject.toml": '[tool.mac.metrics]\n"temperature_celsius" = "gauge"\n',
    })
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rules = grafana_rules(tmp_path)
    assert set(rules) == {"Hot"}
    rule = rules["Hot"][1]
    assert rule["labels"]["team"] == "a$$b"
    assert rule["annotations"]["description"] == "{{ $values.B.Value }} degrees"
    assert threshold(rule)[1:] == (">", 30)
    alerts = (tmp_path / "alerts" / "rules.py").read_text()
    (tmp_path / "alerts" / "rules.py").write_text(alerts.replace("""expr='temperature_celsius{job="x"} > 30'""",
                                                                 """expr='absent(temperature_celsius{job="x"})'"""))
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 1
    assert "alerts/rules.py:3: [error] alert Hot: no comparison with a number to become a Grafana threshold" in run.stderr
