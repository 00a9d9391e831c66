"""mac preview: pages checked in a real headless Chromium (Debian's chromium, driven by
Playwright), with data from the real loopback stack or from the demo's synthetic series."""
import html.parser
import json
import re
import struct
import subprocess
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, bundled_tree, run_mac
from monitoring_as_code.preview import layout
from monitoring_as_code.preview.assets import load as load_assets
from monitoring_as_code.preview.page import dashboard_page
from monitoring_as_code.preview.timerange import round_interval, window
from monitoring_as_code.preview.variables import Value, substitute
from real_stack import api, grafana_to_prometheus

NOW = "2026-01-01T00:00:00Z"
BUNDLED = ["mac-api", "mac-nginx", "mac-postgresql", "mac-redis", "mac-system", "slo-api"]


def compiled_dashboards():
    folder = ROOT / "build" / "grafana" / "dashboards"
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def followers():
    """uid → titles of the panels that draw an alert's threshold (thresholds_from)."""
    from monitoring_as_code.compiler import compile_tree

    result = compile_tree(str(ROOT))
    return {d.uid: {p.title for p in d.all_panels() if p.thresholds_from is not None} for d in result.definitions.dashboards}


@pytest.fixture(scope="module")
def chromium():
    from monitoring_as_code.preview.screenshots import browser

    with browser() as b:
        yield b


def open_page(b, path):
    from monitoring_as_code.preview.screenshots import open_page as open_

    errors = []
    page = open_(b, str(path), errors)
    return page, errors


def png_size(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def panel_nodes(page):
    return page.eval_on_selector_all("main.grid > [data-index]", """nodes => nodes.map(n => {
        const r = n.getBoundingClientRect(), g = n.parentElement.getBoundingClientRect();
        const chart = n.querySelector('.chart');
        return {id: n.dataset.panelId, type: n.dataset.type, x: +n.dataset.x, y: +n.dataset.y, w: +n.dataset.w,
                h: +n.dataset.h, left: r.left - g.left, top: r.top - g.top, width: r.width, height: r.height,
                title: (n.querySelector('.panel-title, .row-title') || {}).textContent,
                empty: n.classList.contains('empty'), drawn: n.classList.contains('drawn'),
                noData: !!n.querySelector('.no-data'),
                lines: chart && chart.dataset.thresholdLines ? JSON.parse(chart.dataset.thresholdLines) : null};
    })""")


def check_layout(page, dashboard):
    """Every top-level panel, in order, at its grid position in pixels."""
    nodes = panel_nodes(page)
    panels = dashboard["panels"]
    assert [n["id"] for n in nodes] == [str(p["id"]) for p in panels]
    for n, p in zip(nodes, panels):
        g = p["gridPos"]
        assert (n["x"], n["y"], n["w"], n["h"]) == (g["x"], g["y"], g["w"], g["h"])
        b = layout.box(g["x"], g["y"], g["w"], g["h"])
        assert (round(n["left"]), round(n["top"]), round(n["width"]), round(n["height"])) == (b.left, b.top, b.width, b.height), n
        assert n["title"].startswith(p["title"])
    return nodes


def threshold_pixels(page, index):
    """For each threshold line the panel says it drew: the share of pixels along it that have
    the line's colour, read back from the canvas."""
    return page.evaluate("""index => {
        const node = document.querySelector(`main.grid > [data-index='${index}']`);
        const chart = node.querySelector('.chart'), canvas = chart.querySelector('canvas');
        const ctx = canvas.getContext('2d');
        return JSON.parse(chart.dataset.thresholdLines).map(line => {
            const hex = line.color.replace('#', ''), want = [0, 2, 4].map(i => parseInt(hex.slice(i, i + 2), 16));
            let hits = 0, n = 0;
            for (let x = line.left + 5; x < line.left + line.width - 5; x += 7) {
                const d = ctx.getImageData(Math.round(x), line.y, 1, 1).data; n++;
                if (want.every((c, i) => Math.abs(d[i] - c) < 40)) hits++;
            }
            return hits / n;
        });
    }""", index)


# -- pure parts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("ms, expected", [(5, 1), (7499, 5000), (9999, 10000), (27341, 30000), (12500, 15000), (12499, 10000),
                                          (60000, 60000), (86400000, 86400000), (10 ** 11, 31536000000)])
def test_intervals_round_as_grafana_rounds_them(ms, expected):
    assert round_interval(ms) == expected


def test_a_panel_window_follows_grafana():
    # 6 hours on a 790 px panel at a 15 s scrape interval: 27 s rounds to 30 s; the rate
    # interval is max(30 + 15, 4 × 15) = 60 s; start and end are floored to the step.
    w = window(1_000_000_015.0, 1_000_021_615.0, 790, 15.0)
    assert (w.step, w.rate_interval, w.start % 30, w.end % 30) == (30.0, 60.0, 0, 0)
    # A short range is held at the scrape interval (or the panel's min interval).
    assert window(0.0, 300.0, 790, 15.0).step == 15.0
    assert window(0.0, 300.0, 790, 15.0, min_interval=60.0).step == 60.0


def test_variables_are_substituted_as_the_prometheus_data_source_does():
    win = window(0.0, 21600.0, 790, 15.0)
    single = Value("job", "Job", "api", ("api",), False, False, False, None)
    several = Value("instance", "Instance", "a + b", ("web-1:9100", "db.local"), False, True, False, None)
    everything = Value("env", "Env", "All", ("prod", "dev"), True, True, True, None)
    explicit_all = Value("pod", "Pod", "All", (), True, True, True, ".+")
    variables = {v.name: v for v in (single, several, everything, explicit_all)}
    text = ('rate(x{job="$job", instance=~"${instance}", env=~"[[env]]", pod=~"$pod"}[$__rate_interval])'
            ' / $__interval_ms $__range $unknown')
    assert substitute(text, variables, win) == (
        'rate(x{job="api", instance=~"(web-1:9100|db\\\\.local)", env=~"(prod|dev)", pod=~".+"}[1m])'
        ' / 30000 21600s $unknown')


def test_the_page_escapes_what_the_dashboard_says():
    """A title, a legend and a variable value written to end the script element."""
    hostile = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    dashboard = {"uid": "x", "title": hostile}
    panel = {"id": 1, "type": "stat", "title": hostile, "description": hostile, "grid": {"x": 0, "y": 0, "w": 6, "h": 4},
             "box": {"left": 0, "top": 0, "width": 100, "height": 100}, "series": [], "noData": True}
    page = dashboard_page(dashboard, [panel], [{"name": "v", "label": hostile, "shown": hostile}],
                          {"source": hostile, "synthetic": False, "range_text": hostile},
                          [{"id": 1, "title": hostile, "reason": hostile}], load_assets(str(ROOT))).decode()
    counts = Tags()
    counts.feed(page)
    assert counts.tags["script"] == 3  # the data, uPlot, preview.js: nothing more
    assert counts.tags.get("img", 0) == 0


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = {}
        self.data = {}
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self._in = dict(attrs).get("id")

    def handle_data(self, data):
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=40))
def test_any_title_round_trips_as_text(title):
    panel = {"id": 7, "type": "timeseries", "title": title, "description": "", "grid": {"x": 0, "y": 0, "w": 6, "h": 4},
             "box": {"left": 0, "top": 0, "width": 100, "height": 100}, "series": [], "noData": True}
    page = dashboard_page({"uid": "u", "title": title}, [panel], [], {"source": "s", "synthetic": False, "range_text": "r"},
                          [], ASSETS).decode()
    tags = Tags()
    tags.feed(page)
    assert tags.tags["script"] == 3
    assert json.loads(tags.data["mac-data"])["panels"][0]["title"] == title


ASSETS = load_assets(str(ROOT))


def test_units_format_as_grafana_formats_them(chromium):
    page = chromium.new_page()
    page.set_content('<body><main class="grid"></main><script type="application/json" id="mac-data">'
                     '{"panels": [], "meta": {}}</script><script>' + ASSETS.uplot_js + "</script><script>" + ASSETS.js + "</script></body>")
    cases = [("bytes", 1536, None, "1.50 KiB"), ("percent", 82, None, "82%"), ("percent", 81.96, 1, "82.0%"),
             ("percentunit", 0.999, None, "99.9%"), ("s", 0.25, None, "250 ms"), ("s", 90, None, "1.50 min"),
             ("reqps", 1500, None, "1.50K reqps"), ("Bps", 150000, None, "150 kB/s"), ("short", 1234567, None, "1.23 Mil"),
             ("none", 3, None, "3"), ("ms", 1500, None, "1.50 s"), ("ops", 12, None, "12 ops"), ("reqps", 0.1, None, "0.100 reqps")]
    got = [page.evaluate("([u, v, d]) => window.macPreview.format(u, v, d)", [u, v, d]) for u, v, d, _ in cases]
    page.close()
    assert got == [c[3] for c in cases]


@pytest.mark.parametrize("values", [[1.0, 1.0, 1.0], [1.0, 0.9999999999999998, 1.0], [0.0, 0.0, 0.0], [-5e-324, 0.0, 5e-324],
                                    [1e300, 1e300, 1e300]])
def test_a_flat_series_draws_without_errors(chromium, tmp_path, values):
    """A series that varies only by float noise (an SLO's budget at 1 − 1e-16) once made
    uPlot lay out ticks on a span of nothing: "Invalid array length"."""
    panel = {"id": 1, "type": "timeseries", "title": "flat", "description": "", "grid": {"x": 0, "y": 0, "w": 12, "h": 8},
             "box": {"left": 0, "top": 0, "width": 796, "height": 296}, "unit": "percentunit", "decimals": None,
             "min": None, "max": None, "thresholds": {"mode": "absolute", "steps": []}, "color": {}, "custom": {},
             "options": {}, "series": [{"name": "s", "refId": "A", "labels": {}, "t": [0, 60, 120], "v": values}],
             "noData": False}
    path = tmp_path / "flat.html"
    path.write_bytes(dashboard_page({"uid": "f", "title": "f"}, [panel], [], {"source": "s", "synthetic": False,
                                                                                "range_text": "r"}, [], ASSETS))
    page, errors = open_page(chromium, path)
    assert page.locator(".panel.drawn canvas").count() == 1
    page.close()
    assert errors == []


# -- the demo -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "preview"
    run = run_mac("preview", "--demo", "--now", NOW, "--out", str(out), cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return out, run


def test_demo_needs_no_server_and_says_its_data_is_synthetic(demo, chromium):
    out, run = demo
    assert sorted(p.stem for p in out.glob("*.html") if p.stem != "index") == BUNDLED
    assert "without data" not in run.stdout and run.stderr == ""  # every panel of the bundled spec has demo data
    dashboards = compiled_dashboards()
    for uid in BUNDLED:
        page, errors = open_page(chromium, out / f"{uid}.html")
        try:
            assert page.locator(".synthetic-banner").inner_text().startswith("Demo data.")
            nodes = check_layout(page, dashboards[uid])
            assert [n for n in nodes if n["type"] != "row" and not n["drawn"]] == []
        finally:
            page.close()
        assert errors == []
    index = (out / "index.html").read_text()
    assert "Demo data." in index and all(f'href="{uid}.html"' in index for uid in BUNDLED)


def test_demo_crosses_the_threshold_of_the_alert_a_panel_follows(demo, chromium):
    """The CPU panel follows HighCPUUsage (> 80): its demo series is the alert's firing
    scenario, at 78 % and then 82 %, and the line is drawn at 80."""
    out, _ = demo
    page, errors = open_page(chromium, out / "mac-system.html")
    model = page.evaluate("window.macPreview.model")
    index, panel = next((i, p) for i, p in enumerate(model["panels"]) if p["title"] == "CPU usage")
    values = [v for v in panel["series"][0]["v"] if v is not None]
    assert round(min(values)) == 78 and round(max(values)) == 82 and round(values[-1]) == 82
    nodes = panel_nodes(page)
    assert [line["value"] for line in nodes[index]["lines"]] == [80]
    assert all(share > 0.9 for share in threshold_pixels(page, index))
    page.close()
    assert errors == []


def test_demo_pages_are_the_same_bytes_under_any_hash_seed(demo, tmp_path):
    out, _ = demo
    again = tmp_path / "again"
    run = run_mac("preview", "--demo", "--now", NOW, "--out", str(again), cwd=ROOT, env={"PYTHONHASHSEED": "12345"})
    assert run.returncode == 0, run.stderr
    first = {p.name: p.read_bytes() for p in out.glob("*.html")}
    assert first == {p.name: p.read_bytes() for p in again.glob("*.html")}


def test_without_a_source_it_is_a_usage_error(tmp_path):
    run = run_mac("preview", "--out", str(tmp_path / "p"), cwd=ROOT)
    assert run.returncode == 2 and "--prometheus URL" in run.stderr and "--demo" in run.stderr
    assert not (tmp_path / "p").exists()


def test_an_unreachable_prometheus_is_named(tmp_path):
    from real_stack import free_port

    run = run_mac("preview", "--prometheus", f"http://127.0.0.1:{free_port()}", "--out", str(tmp_path / "p"), cwd=ROOT)
    assert run.returncode == 2 and "cannot reach" in run.stderr
    assert not (tmp_path / "p").exists()


# -- live: the real loopback stack ----------------------------------------------------------------

@pytest.fixture(scope="module")
def live(loopback_stack, tmp_path_factory):
    # The last query step ends up to one step (15 s) before now, and its rate window reaches
    # 60 s back: wait (bounded) until Prometheus holds 30 s of every target.
    deadline = time.monotonic() + 90
    while not api(loopback_stack.port, "query", query="min(count_over_time(up[30s])) >= 25")["result"]:
        assert time.monotonic() < deadline, "Prometheus did not gather 30 s of samples in 90 s"
        time.sleep(1)
    out = tmp_path_factory.mktemp("live") / "preview"
    run = run_mac("preview", "--prometheus", loopback_stack.url, "--png", "--from", "now-10m", "--out", str(out), cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return out, run, loopback_stack


def test_live_pages_draw_every_panel_at_its_place_with_its_data(live, chromium):
    out, run, stack = live
    dashboards = compiled_dashboards()
    follow = followers()
    assert sorted(p.stem for p in out.glob("*.html") if p.stem != "index") == BUNDLED
    checked_lines = 0
    for uid in BUNDLED:
        page, errors = open_page(chromium, out / f"{uid}.html")
        try:
            assert page.locator(".synthetic-banner").count() == 0
            nodes = check_layout(page, dashboards[uid])
            for index, (node, panel) in enumerate(zip(nodes, dashboards[uid]["panels"])):
                if panel["type"] == "row":
                    continue
                has_series = any(api(stack.port, "query", query=grafana_to_prometheus(t["expr"]))["result"]
                                 for t in panel.get("targets", []))
                if has_series:  # no "No data" where Prometheus has series
                    assert node["drawn"] and not node["noData"], (uid, panel["title"])
                if panel["title"] in follow.get(uid, ()) and panel["type"] == "timeseries":
                    steps = [s["value"] for s in panel["fieldConfig"]["defaults"]["thresholds"]["steps"][1:]]
                    assert [line["value"] for line in node["lines"]] == steps, (uid, panel["title"])
                    assert all(share > 0.9 for share in threshold_pixels(page, index)), (uid, panel["title"])
                    checked_lines += 1
        finally:
            page.close()
        assert errors == [], uid
    assert checked_lines >= 8  # the system, API and PostgreSQL panels that follow alerts, and the SLO burn rates


def test_live_images_of_every_dashboard_and_panel(live):
    out, run, _ = live
    for uid, dashboard in compiled_dashboards().items():
        width, height = png_size((out / "png" / f"{uid}.png").read_bytes())
        assert width == layout.PAGE_WIDTH + 32 and height > 400
        for panel in dashboard["panels"]:
            if panel["type"] != "row":
                b = layout.box(**panel["gridPos"])
                width, height = png_size((out / "png" / uid / f"{panel['id']}.png").read_bytes())
                # the element's box, rounded to whole pixels by the screenshot's clip
                assert abs(width - b.width) <= 1 and abs(height - b.height) <= 1, (uid, panel["title"])
    assert "images" in run.stdout


def test_a_query_without_series_is_no_data_and_listed(loopback_stack, tmp_path):
    tree = bundled_tree(tmp_path / "src")
    (tree / "dashboards" / "empty.py").write_text(
        "from monitoring_as_code.model import Dashboard, TimeSeries\n"
        "dashboard = Dashboard('Empty', uid='empty', panels=[\n"
        "    TimeSeries('Nothing here', queries=['metric_that_does_not_exist_total'], description='none')])\n")
    out = tmp_path / "preview"
    run = run_mac("preview", "--src", str(tree), "--prometheus", loopback_stack.url, "--dashboard", "empty",
                  "--fail-on-empty", "--out", str(out), cwd=tree)
    assert run.returncode == 1, run.stderr
    assert "empty / Nothing here: No data (no series for A)" in run.stderr
    page = (out / "empty.html").read_text()
    assert "Panels without data" in page and "Nothing here" in page


# -- mac diff --preview ---------------------------------------------------------------------------

def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=mac@test", "-c", "user.name=mac", *args],
                   check=True, capture_output=True)


def test_diff_preview_draws_only_the_panels_a_threshold_change_moves(tmp_path):
    repo = bundled_tree(tmp_path / "repo")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    node = repo / "alerts" / "node.py"
    text = node.read_text()
    changed = text.replace('mode="idle"}[5m]))) > 80', 'mode="idle"}[5m]))) > 85').replace('"> 80", for_="5m"', '"> 85", for_="5m"')
    assert changed.count("85") == text.count("85") + 2
    node.write_text(changed)
    out = tmp_path / "images"
    run = run_mac("diff", "--base", "main", "--preview", str(out), "--format", "json", cwd=repo, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert [c["subject"] for c in report["changes"]] == ["HighCPUUsage"]
    follows = sorted(p for p in followers()["mac-system"] if p.startswith("CPU"))
    assert sorted(p["panel"] for p in report["previews"]) == [f"mac-system / {t}" for t in follows]
    images = sorted(str(p.relative_to(out)) for p in out.rglob("*.png"))
    slugs = [t.replace(" ", "_") for t in follows]
    assert images == sorted(f"mac-system/{s}{side}.png" for s in slugs for side in (".after", ".before", ""))
    for s in slugs:
        before, after = (out / "mac-system" / f"{s}.before.png").read_bytes(), (out / "mac-system" / f"{s}.after.png").read_bytes()
        assert png_size(before) == png_size(after) and before != after
        side_by_side = png_size((out / "mac-system" / f"{s}.png").read_bytes())
        assert side_by_side[0] > 2 * png_size(before)[0]


# -- every panel type the preview draws -----------------------------------------------------------

KINDS = '''
from monitoring_as_code.model import (BarGauge, Dashboard, Gauge, Heatmap, PieChart, Query, Row, Stat, Table,
                                      Text, TimeSeries)

Q = 'sum by (status) (rate(http_requests_total{job="api"}[$__rate_interval]))'
dashboard = Dashboard("Kinds", uid="kinds", panels=[
    Row("Drawn", panels=[
        TimeSeries("Stacked", queries=[Q], unit="reqps", stack=True, description="stacked"),
        Gauge("Gauge", queries=['sum(jobs_in_progress{job="api"})'], min=0, max=50, description="gauge"),
        BarGauge("Bar gauge", queries=[Query(Q, legend="{{status}}")], unit="reqps", description="bars"),
        Table("Table", queries=[Query(Q, instant=True, format="table")], description="table"),
        Heatmap("Heatmap", queries=[Query('sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[$__rate_interval]))',
                                         format="heatmap", legend="{{le}}")], description="heatmap"),
        Text("Notes", content="# Runbook\\n\\nSee **the wiki**.<script>window.pwned = 1</script>"
                              "<a href=\\"javascript:window.pwned = 2\\" onclick=\\"window.pwned = 3\\">link</a>", description="text"),
        PieChart("Pie", queries=[Q], description="pie"),
    ]),
    Row("Folded", collapsed=True, panels=[Stat("Hidden", queries=['sum(jobs_in_progress{job="api"})'], description="hidden")]),
])
'''


def test_every_panel_type_is_drawn_or_says_it_is_not(tmp_path, chromium):
    tree = bundled_tree(tmp_path / "src")
    (tree / "dashboards" / "kinds.py").write_text(KINDS)
    out = tmp_path / "preview"
    run = run_mac("preview", "--src", str(tree), "--demo", "--now", NOW, "--dashboard", "kinds", "--out", str(out), cwd=tree)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "kinds / Pie: not drawn (mac preview does not draw piechart panels)" in run.stderr
    page, errors = open_page(chromium, out / "kinds.html")
    try:
        nodes = {n["title"].split(" (")[0]: n for n in panel_nodes(page)}
        for title in ("Stacked", "Gauge", "Bar gauge", "Table", "Heatmap"):
            assert nodes[title]["drawn"] and not nodes[title]["noData"], title
        assert "Hidden" not in nodes and nodes["Folded"]["title"] == "Folded (1 panels)"
        assert page.locator("[data-type='piechart'] .note").inner_text().startswith("mac preview does not draw")
        # the text panel: markdown rendered, its script and event handler removed
        assert page.locator("[data-type='text'] h1").inner_text() == "Runbook"
        assert page.locator("[data-type='text'] strong").inner_text() == "the wiki"
        assert page.locator("[data-type='text'] script").count() == 0
        link = page.locator("[data-type='text'] a")
        assert link.inner_text() == "link" and link.get_attribute("href") is None and link.get_attribute("onclick") is None
        link.click()
        assert page.evaluate("window.pwned === undefined")
        assert page.locator("[data-type='gauge'] .value-arc").count() == 1
        series = page.evaluate("Object.fromEntries(window.macPreview.model.panels.map(p => [p.title, (p.series || []).length]))")
        assert series["Bar gauge"] >= 1 and series["Table"] >= 1
        assert page.locator("[data-type='bargauge'] .bar-row").count() == series["Bar gauge"]  # one per series
        assert page.locator("[data-type='table'] tbody tr").count() == series["Table"]
        stacked = page.evaluate("window.macPreview.model.panels.find(p => p.title === 'Stacked')")
        assert stacked["custom"]["stacking"]["mode"] == "normal"
    finally:
        page.close()
    assert errors == []


def test_an_unknown_dashboard_is_a_usage_error(tmp_path):
    run = run_mac("preview", "--demo", "--dashboard", "nope", "--out", str(tmp_path / "p"), cwd=ROOT)
    assert run.returncode == 2 and "no dashboard with uid nope" in run.stderr
    assert not (tmp_path / "p").exists()


def test_real_dashboards_draw_without_errors(imported_corpus, tmp_path, chromium):
    """Every 20th dashboard of the imported corpus (99 monitoring mixins), drawn from demo
    data: no console error, every panel at its grid position, each panel drawn, noted as a
    type the preview does not draw, or "No data" with the reason listed on the page."""
    tree, _ = imported_corpus
    modules = sorted(p for p in (tree / "dashboards").glob("*.py") if p.name != "__init__.py")[::20]
    uids = [re.search(r'^    uid="([^"]+)"', m.read_text(), re.M).group(1) for m in modules]
    out = tmp_path / "preview"
    run = run_mac("preview", "--src", str(tree), "--demo", "--now", NOW, "--out", str(out),
                  *[a for uid in uids for a in ("--dashboard", uid)], cwd=tree)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(list(out.glob("*.html"))) == len(uids) + 1
    drawn = noted = empty = 0
    for uid in uids:
        page, errors = open_page(chromium, out / f"{uid}.html")
        try:
            model = page.evaluate("window.macPreview.model.panels")
            nodes = check_layout(page, {"panels": [{"id": p["id"], "gridPos": p["grid"], "title": p["title"]} for p in model]})
            listed = set(page.eval_on_selector_all("section.summary li", "items => items.map(i => i.dataset.panelId)"))
            for node in nodes:
                if node["type"] == "row":
                    continue
                has_note = page.locator(f"main.grid > [data-panel-id='{node['id']}'] .note").count() > 0
                drawn += node["drawn"]
                noted += has_note
                if node["noData"]:
                    empty += 1
                    assert node["id"] in listed, (uid, node["title"])
                assert node["drawn"] or has_note or node["noData"] or node["type"] == "text", (uid, node)
        finally:
            page.close()
        assert errors == [], uid
    assert drawn > 3 * (empty + noted)  # mostly drawn: demo data reaches most real queries


def test_diff_preview_says_which_changed_panels_it_cannot_draw(tmp_path):
    """A panel in a collapsed row is drawn folded: its change is listed, without an image."""
    repo = bundled_tree(tmp_path / "repo")
    (repo / "dashboards" / "folded.py").write_text(
        "from monitoring_as_code.model import Dashboard, Row, Stat, TimeSeries\n"
        "dashboard = Dashboard('Folded', uid='folded', panels=[\n"
        "    TimeSeries('Open', queries=['sum(jobs_in_progress)'], unit='short', description='open'),\n"
        "    Row('Closed', collapsed=True, panels=[Stat('Inside', queries=['sum(jobs_in_progress)'], unit='short',\n"
        "                                             description='inside')])])\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    text = (repo / "dashboards" / "folded.py").read_text()
    (repo / "dashboards" / "folded.py").write_text(text.replace("unit='short',\n", "unit='ops',\n").replace(
        "unit='short', description='open'", "unit='ops', description='open'"))
    out = tmp_path / "images"
    run = run_mac("diff", "--base", "main", "--preview", str(out), "--format", "json", cwd=repo,
                  env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert run.returncode == 0, run.stderr
    previews = {p["panel"]: p for p in json.loads(run.stdout)["previews"]}
    assert set(previews) == {"folded / Open", "folded / Inside"}
    assert previews["folded / Open"]["side_by_side"] and not previews["folded / Open"]["note"]
    assert previews["folded / Inside"]["side_by_side"] is None
    assert "collapsed row" in previews["folded / Inside"]["note"]
    assert sorted(p.name for p in (out / "folded").iterdir()) == ["Open.after.png", "Open.before.png", "Open.png"]
