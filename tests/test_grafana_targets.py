"""grafana = "11" | "12" | "13" (issue 15): every form validates against Grafana's published
schemas, and the v2 form keeps every panel, query, unit, threshold, variable and position of
the classic one, on the bundled dashboards and on every imported corpus dashboard."""
import json
import shutil

import jsonschema
import pytest

from conftest import FOLDER_BOARDS, ROOT, bundled_tree, nulls, run_mac, write_tree

REFERENCE = ROOT.parent / "shared" / "reference" / "grafana"
FSDK = REFERENCE / "fsdk-main"
needs_reference = pytest.mark.skipif(not FSDK.is_dir(), reason="../shared/reference/grafana is not here")


def validator(path, ref=None):
    schema = json.loads(path.read_text())
    if ref:
        schema = dict(schema, **{"$ref": ref})
    return jsonschema.Draft7Validator(schema)


def errors(validator_, data):
    return [("/".join(str(p) for p in e.absolute_path), e.message) for e in validator_.iter_errors(data)]


def legacy_options_only(found):
    """The one place where Grafana's own v2 output contradicts the published v2 schema: annotation
    legacyOptions holding a string ({"type": "dashboard"} on the built-in annotation), which
    Grafana's converter writes (buildAnnotationQuery) and the schema types as an object (see
    lint/dashboard_schema.corrected_v2)."""
    return all(path.startswith("annotations/") and "/spec/legacyOptions/" in path and "is not of type 'object'" in msg
               for path, msg in found)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The bundled definitions compiled for each Grafana, by `mac compile --grafana N`."""
    out = {}
    for version in ("11", "12", "13"):
        folder = tmp_path_factory.mktemp(f"g{version}") / "build"
        run = run_mac("compile", "--grafana", version, "--out", str(folder), "--no-cache", cwd=ROOT)
        assert run.returncode == 0, run.stderr
        out[version] = folder
    return out


def dashboards(build):
    return {p.name: json.loads(p.read_text()) for p in sorted((build / "grafana" / "dashboards").glob("*.json"))}


def test_eleven_is_the_committed_build(builds):
    for name, data in dashboards(builds["11"]).items():
        assert (ROOT / "build" / "grafana" / "dashboards" / name).read_text() == json.dumps(
            data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@needs_reference
def test_twelve_is_the_classic_model_in_a_v1beta1_resource(builds):
    envelope = validator(FSDK / "resource.jsonschema.json", "#/definitions/Manifest")
    classic = validator(FSDK / "dashboard.jsonschema.json")
    eleven = dashboards(builds["11"])
    for name, data in dashboards(builds["12"]).items():
        assert errors(envelope, data) == [] and errors(classic, data["spec"]) == [], name
        assert list(nulls(data)) == []
        assert data["apiVersion"] == "dashboard.grafana.app/v1beta1" and data["kind"] == "Dashboard"
        assert data["metadata"]["name"] == data["spec"]["uid"]
        assert data["metadata"]["annotations"] == {"grafana.app/folder": "mac"}
        assert data["spec"] == eleven[name]


@needs_reference
def test_thirteen_is_the_v2_schema_in_a_v2_resource(builds):
    envelope = validator(FSDK / "resource.jsonschema.json", "#/definitions/Manifest")
    v2 = validator(FSDK / "dashboardv2.jsonschema.json", "#/definitions/Dashboard")
    from monitoring_as_code.lint.dashboard_schema import corrected_v2

    corrected = jsonschema.Draft7Validator(corrected_v2(json.loads((FSDK / "dashboardv2.jsonschema.json").read_text())))
    for name, data in dashboards(builds["13"]).items():
        assert errors(envelope, data) == [], name
        assert data["apiVersion"] == "dashboard.grafana.app/v2"
        assert list(nulls(data)) == []
        assert errors(corrected, data["spec"]) == [], name
        raw = errors(v2, data["spec"])
        assert legacy_options_only(raw), raw


def test_the_switch_in_pyproject_is_the_flag(builds, tmp_path):
    """[tool.mac] grafana = "13" writes what --grafana 13 writes; a bad value is an error at its line."""
    bundled_tree(tmp_path, '[tool.mac]\ngrafana = "13"\n')
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert dashboards(tmp_path / "build") == dashboards(builds["13"])
    write_tree(tmp_path, {"pyproject.toml": '[tool.mac]\n\ngrafana = 13\n'})
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 1
    assert "pyproject.toml:3: [error] [tool.mac] grafana 13 is not one of \"11\", \"12\", \"13\"" in run.stderr


# ---- the v2 form keeps what the classic form says ------------------------------------------------

def classic_facts(data: dict) -> dict:
    """Per panel, in order: row, type, title, queries, unit, thresholds, position (y counted
    from below its row's header, as v2 keeps it); the variables; the annotations."""
    panels, row, row_y = [], None, -1
    for item in data["panels"]:
        if item["type"] == "row":
            row, row_y = (item["title"], item["collapsed"]), item["gridPos"]["y"]
            children = item.get("panels", [])
        else:
            children = [item]
        for panel in children:
            pos = panel["gridPos"]
            y = pos["y"] - row_y - 1 if row is not None else pos["y"]
            panels.append(_panel_facts(row, panel["type"], panel["title"], panel.get("targets", []),
                                       panel.get("fieldConfig", {}).get("defaults", {}),
                                       (pos["x"], y, pos["w"], pos["h"]), panel.get("repeat")))
    variables = [(v["name"], v["type"], v.get("query"), v.get("current")) for v in data["templating"]["list"]]
    annotations = [(a["name"], a.get("enable"), a.get("builtIn", 0) == 1) for a in data["annotations"]["list"]]
    return {"panels": panels, "variables": variables, "annotations": annotations, "title": data["title"],
            "time": (data["time"]["from"], data["time"]["to"]), "refresh": data.get("refresh", ""),
            "tags": data.get("tags", [])}


def _filled_ref_ids(targets):
    """Grafana gives a query without refId the first free one of A, B, … (the frontend's
    getNextRefId; the converter's nextAvailableRefId), so "" and "A" mean the same there."""
    used, out = {t.get("refId") for t in targets if t.get("refId")}, []
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    for t in targets:
        if not t.get("refId"):
            t = dict(t, refId=next(l for l in letters if l not in used))
            used.add(t["refId"])
        out.append(t)
    return out


def _panel_facts(row, kind, title, targets, defaults, position, repeat):
    targets = _filled_ref_ids(targets)
    queries = [(t.get("refId"), t.get("expr"), t.get("legendFormat"), bool(t.get("instant")), t.get("hide", False))
               for t in targets]
    thresholds = defaults.get("thresholds", {})
    steps = [(s.get("color") or "", s.get("value")) for s in thresholds.get("steps", [])]  # no colour: ""
    return {"row": row, "type": kind, "title": title, "queries": queries, "unit": defaults.get("unit"),
            "thresholds": (thresholds.get("mode"), steps), "min": defaults.get("min"), "max": defaults.get("max"),
            "decimals": defaults.get("decimals"), "position": position, "repeat": repeat}


V2_KINDS = {"QueryVariable": "query", "DatasourceVariable": "datasource", "CustomVariable": "custom",
            "ConstantVariable": "constant", "IntervalVariable": "interval", "TextVariable": "textbox",
            "AdhocVariable": "adhoc"}


def v2_facts(spec: dict) -> dict:
    """The same facts read from the v2 form, by what each v2 field means."""
    panels = []

    def grid(items, row):
        for item in items:
            element = spec["elements"][item["spec"]["element"]["name"]]["spec"]
            targets = []
            for q in element["data"]["spec"]["queries"]:
                target = dict(q["spec"]["query"]["spec"], refId=q["spec"]["refId"], hide=q["spec"]["hidden"])
                targets.append(target)
            s = item["spec"]
            repeat = s.get("repeat", {}).get("value")
            panels.append(_panel_facts(row, element["vizConfig"]["group"], element["title"], targets,
                                       element["vizConfig"]["spec"]["fieldConfig"]["defaults"],
                                       (s["x"], s["y"], s["width"], s["height"]), repeat))

    layout = spec["layout"]
    if layout["kind"] == "GridLayout":
        grid(layout["spec"]["items"], None)
    else:
        for row in layout["spec"]["rows"]:
            r = row["spec"]
            grid(r["layout"]["spec"]["items"], None if r.get("hideHeader") else (r["title"], r["collapse"]))
    variables = []
    for var in spec["variables"]:
        s, kind = var["spec"], V2_KINDS[var["kind"]]
        if kind == "query":
            q = s["query"]["spec"]
            query = q.get("__legacyStringValue", "") if set(q) <= {"__legacyStringValue"} else q
        elif kind == "datasource":
            query = s["pluginId"]
        else:
            query = s.get("query")
        variables.append((s["name"], kind, query, s.get("current")))
    annotations = [(a["spec"]["name"], a["spec"]["enable"], a["spec"].get("builtIn", False)) for a in spec["annotations"]]
    ts = spec["timeSettings"]
    return {"panels": panels, "variables": variables, "annotations": annotations, "title": spec["title"],
            "time": (ts["from"], ts["to"]), "refresh": ts["autoRefresh"], "tags": spec["tags"]}


def comparable(facts: dict) -> dict:
    """Classic values the v2 form spells differently: a variable without `current` (v2 writes
    an empty one), `current.selected` (the current value is the selected one; v2 keeps text
    and value), a current text or value that is neither a string nor a list of strings (a few
    exports nest an option there; Grafana reads it as empty), a query variable's empty query."""
    def plain(value):
        return value if isinstance(value, (str, list)) else ""

    out = dict(facts)
    out["variables"] = [(n, k, q if q not in (None, "") else "",
                         {"text": plain((c or {}).get("text", "")), "value": plain((c or {}).get("value", ""))})
                        for n, k, q, c in facts["variables"]]
    return out


def assert_same_meaning(classic: dict, v2_spec: dict, name: str) -> int:
    a, b = comparable(classic_facts(classic)), comparable(v2_facts(v2_spec))
    assert len(a["panels"]) == len(b["panels"]), name
    for i, (x, y) in enumerate(zip(a["panels"], b["panels"])):
        assert x == y, f"{name}: panel {i} {x['title']!r}"
    for key in ("variables", "annotations", "title", "time", "refresh", "tags"):
        assert a[key] == b[key], f"{name}: {key}"
    return len(a["panels"])


def test_v2_keeps_the_bundled_dashboards(builds):
    classic, v2 = dashboards(builds["11"]), dashboards(builds["13"])
    assert classic.keys() == v2.keys() and len(classic) == 6
    assert sum(assert_same_meaning(classic[n], v2[n]["spec"], n) for n in classic) > 30


def test_the_facts_see_a_difference():
    """The comparison is not vacuous: a moved panel, another unit, a lost query each fail it."""
    data = json.loads((ROOT / "build" / "grafana" / "dashboards" / "mac-system.json").read_text())
    from monitoring_as_code.emit.grafana_v2 import convert

    for change in ("moved", "unit", "query", "variable"):
        spec = convert(data)
        element = next(iter(spec["elements"].values()))["spec"]
        if change == "moved":
            items = spec["layout"]["spec"]["items"] if spec["layout"]["kind"] == "GridLayout" else \
                spec["layout"]["spec"]["rows"][0]["spec"]["layout"]["spec"]["items"]
            items[0]["spec"]["y"] += 1
        elif change == "unit":
            element["vizConfig"]["spec"]["fieldConfig"]["defaults"]["unit"] = "ms"
        elif change == "query":
            element["data"]["spec"]["queries"].pop()
        else:
            spec["variables"].pop()
        with pytest.raises(AssertionError):
            assert_same_meaning(data, spec, change)


@needs_reference
def test_v2_keeps_every_imported_corpus_dashboard(imported_corpus, tmp_path):
    """The imported corpus compiled for Grafana 11 and 13: all 315 dashboards, the same panels,
    queries, units, thresholds, variables and positions; every v2 file valid (with the one
    documented correction) and without nulls but where the schema's range maps need them."""
    tree, _ = imported_corpus
    from monitoring_as_code.lint.dashboard_schema import corrected_v2

    corrected = jsonschema.Draft7Validator(corrected_v2(json.loads((FSDK / "dashboardv2.jsonschema.json").read_text())))
    out = {}
    for version in ("11", "13"):
        run = run_mac("compile", "--grafana", version, "--src", str(tree), "--out", str(tmp_path / version), cwd=tree)
        assert run.returncode == 0, "\n".join(l for l in run.stderr.splitlines() if "[error]" in l)[:3000]
        out[version] = dashboards(tmp_path / version)
    assert len(out["11"]) == len(out["13"]) == 315
    panels = 0
    for name, classic in out["11"].items():
        spec = out["13"][name]["spec"]
        panels += assert_same_meaning(classic, spec, name)
        assert errors(corrected, spec) == [], name
    assert panels > 4000
    # And back: the v2 files import (mac import reads v2 resources) to dashboards that compile
    # to the same panels, queries, units, thresholds, positions and variables.
    back = tmp_path / "back"
    run = run_mac("import", "grafana", str(tmp_path / "13" / "grafana" / "dashboards"), "--out",
                  str(back / "dashboards"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    if (tree / "pyproject.toml").exists():
        shutil.copy(tree / "pyproject.toml", back / "pyproject.toml")
    run = run_mac("compile", "--src", str(back), "--out", str(back / "build"), cwd=back)
    assert run.returncode == 0, "\n".join(l for l in run.stderr.splitlines() if "[error]" in l)[:3000]
    again = dashboards(back / "build")
    assert again.keys() == out["11"].keys()
    for name, classic in out["11"].items():
        assert comparable(classic_facts(again[name])) == comparable(classic_facts(classic)), name


# ---- folders ---------------------------------------------------------------------------------------

FOLDERS = {"dashboards/board.py": FOLDER_BOARDS + '''
    home = board("home")
    db = board("db", DATABASES)
    platform = board("platform", PLATFORM)
    '''}


@pytest.mark.parametrize("version", ["11", "12", "13"])
def test_folders_land_where_the_definitions_say(tmp_path, version):
    write_tree(tmp_path, FOLDERS)
    shutil.copy(ROOT / "stack.py", tmp_path / "stack.py")
    run = run_mac("compile", "--grafana", version, "--out", "build", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    grafana = tmp_path / "build" / "grafana"
    files = sorted(str(p.relative_to(grafana)) for p in grafana.rglob("*.json"))
    resources = ["folders/platform-databases.json", "folders/platform.json"] if version != "11" else []
    assert files == sorted(["dashboards/home.json", "folders/platform-databases/db.json",
                            "folders/platform/platform.json", *resources])
    import yaml

    providers = yaml.safe_load((grafana / "provisioning" / "dashboards" / "provider.yml").read_text())["providers"]
    assert [(p["name"], p["folder"], p.get("folderUid"), p["options"]["path"]) for p in providers] == [
        ("mac", "mac", None if version == "11" else "mac", "/var/lib/grafana/dashboards/mac"),
        ("mac-platform", "Platform", "platform", "/var/lib/grafana/dashboards/mac-folders/platform"),
        ("mac-platform-databases", "Databases", "platform-databases",
         "/var/lib/grafana/dashboards/mac-folders/platform-databases"),
    ]
    if version == "11":
        return
    db = json.loads((grafana / "folders" / "platform-databases" / "db.json").read_text())
    assert db["metadata"]["annotations"] == {"grafana.app/folder": "platform-databases"}
    nested = json.loads((grafana / "folders" / "platform-databases.json").read_text())
    assert nested["metadata"]["annotations"] == {"grafana.app/folder": "platform"}
    assert nested["spec"] == {"title": "Databases"}
    if FSDK.is_dir():
        envelope = validator(FSDK / "resource.jsonschema.json", "#/definitions/Manifest")
        folder_schema = validator(FSDK / ("folderv1.jsonschema.json" if version == "13" else "folderv1beta1.jsonschema.json"))
        for path in (grafana / "folders").glob("*.json"):
            data = json.loads(path.read_text())
            assert errors(envelope, data) == [] and errors(folder_schema, data["spec"]) == [], path
            assert data["apiVersion"] == {"12": "folder.grafana.app/v1beta1", "13": "folder.grafana.app/v1"}[version]


def test_a_folder_uid_names_one_folder(tmp_path):
    write_tree(tmp_path, {"dashboards/board.py": FOLDERS["dashboards/board.py"] + '''
    other = board("other", Folder("Elsewhere", uid="platform"))
    deep = board("deep", Folder("8", parent=Folder("7", parent=Folder("6", parent=Folder("5", parent=Folder(
        "4", parent=Folder("3", parent=Folder("2", parent=Folder("1")))))))))
    bad = board("bad", Folder("Bad uid", uid="no spaces"))
    '''})
    run = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert run.returncode == 1
    assert "dashboards/board.py:14: [error] folder uid 'platform' names two folders: 'Elsewhere' here and 'Platform' " \
           "at dashboards/board.py:3 (dashboard/folder)" in run.stderr
    assert "dashboard deep: folder '1 / 2 / 3 / 4 / 5 / 6 / 7 / 8' is nested 8 deep; Grafana allows at most 7" in run.stderr
    assert "folder 'Bad uid': uid 'no spaces' is not a Grafana uid" in run.stderr
    assert not (tmp_path / "build").exists()
