"""Problems in definitions: named at the user's file and line, all at once, exit 1, build/ untouched."""
import os

from conftest import run_mac, tree_bytes, write_tree

GOOD_ALERT = '''
from monitoring_as_code import AlertRule, RuleGroup

ok = AlertRule(name="Ok", expr="up == 0", for_="1m", summary="s", description="d {{ $value }}")
good = RuleGroup("good", [ok])
'''

BAD_PROMQL = '''
from monitoring_as_code import AlertRule, RuleGroup

broken = AlertRule(
    name="Broken",
    expr="rate(http_requests_total[5m) > 1",
    for_="5m", summary="s", description="{{ $value }}",
)
also_broken = AlertRule(name="AlsoBroken", expr="sum(up", for_="five minutes", summary="s", description="{{ $value }}")
bad = RuleGroup("bad", [broken, also_broken])
'''


def _compiled_once(tmp_path, files):
    write_tree(tmp_path, files)
    first = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    return tree_bytes(tmp_path / "build"), {p: os.stat(tmp_path / "build" / p).st_mtime_ns
                                             for p in tree_bytes(tmp_path / "build")}


def test_promql_syntax_error_names_file_and_line_and_leaves_build_alone(tmp_path):
    before, mtimes = _compiled_once(tmp_path, {"alerts/good.py": GOOD_ALERT})
    write_tree(tmp_path, {"alerts/bad.py": BAD_PROMQL})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    lines = [l for l in result.stderr.splitlines() if not l.startswith("    help:")]
    # Each syntax error at the bracket inside the string, with the source line and a caret.
    assert lines == [
        "alerts/bad.py:5:38: [error] alert Broken: PromQL syntax error: unexpected character inside brackets: ')' (promql/syntax)",
        ' 5 |     expr="rate(http_requests_total[5m) > 1",',
        "   |                                      ^",
        "alerts/bad.py:8: [error] alert AlsoBroken: for 'five minutes' is not a duration (rule/duration)",
        "alerts/bad.py:8:53: [error] alert AlsoBroken: PromQL syntax error: unclosed left parenthesis (promql/syntax)",
        ' 8 | also_broken = AlertRule(name="AlsoBroken", expr="sum(up", for_="five minutes", summary="s", description="{{ $value }}")',
        "   |                                                     ^",
        "mac: 3 error(s); build left unchanged",
    ]
    assert "Traceback" not in result.stderr
    assert tree_bytes(tmp_path / "build") == before
    assert {p: os.stat(tmp_path / "build" / p).st_mtime_ns for p in before} == mtimes
    assert not [p for p in os.listdir(tmp_path) if p.startswith((".mac-new-", ".mac-old-"))]


def test_python_syntax_error(tmp_path):
    write_tree(tmp_path, {"alerts/good.py": GOOD_ALERT, "dashboards/broken.py": "x = (\n\ny = 1\n"})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("dashboards/broken.py:1: [error] Python syntax error: '(' was never closed (load/syntax)")
    assert not (tmp_path / "build").exists()


def test_exception_in_definition_points_at_the_raising_line(tmp_path):
    write_tree(tmp_path, {
        "dashboards/helper.py": "def make():\n    return 1 / 0\n",
        "dashboards/boom.py": "from dashboards.helper import make\n\nvalue = make()\n",
        "alerts/good.py": GOOD_ALERT,
    })
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert ("dashboards/helper.py:2: [error] ZeroDivisionError while importing dashboards/boom.py: "
            "division by zero (load/exception)") in result.stderr
    assert "Traceback" not in result.stderr
    debug = run_mac("compile", "--out", "build", "--debug", cwd=tmp_path)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_duplicate_dashboard_uid(tmp_path):
    dash = '''
    from monitoring_as_code import Dashboard, TimeSeries

    first = Dashboard("One", "same", panels=[TimeSeries("up", queries=["up"])])
    second = Dashboard("Two", "same", panels=[TimeSeries("up", queries=["up"])])
    '''
    write_tree(tmp_path, {"dashboards/dup.py": dash})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert ("dashboards/dup.py:4: [error] dashboard uid 'same' is already used at dashboards/dup.py:3 "
            "(dashboard/unique-uid)") in result.stderr


def test_panel_query_syntax_error_points_at_the_query(tmp_path):
    dash = '''
    from monitoring_as_code import Dashboard, Query, TimeSeries

    d = Dashboard("One", "one", panels=[
        TimeSeries("ok", queries=["rate(http_requests_total[$__rate_interval])"], unit="reqps", description="d"),
        TimeSeries("bad", queries=[
            Query("sum(rate(http_requests_total[$__rate_interval])", legend="x"),
        ], unit="reqps", description="d"),
    ])
    '''
    write_tree(tmp_path, {"dashboards/d.py": dash})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:3] == [
        "dashboards/d.py:6:19: [error] panel 'bad' of dashboard one: PromQL syntax error: "
        "unclosed left parenthesis (promql/syntax)",
        ' 6 |         Query("sum(rate(http_requests_total[$__rate_interval])", legend="x"),',
        "   |                   ^"]


def test_thresholds_from_an_alert_without_comparison(tmp_path):
    files = {
        "alerts/a.py": '''
        from monitoring_as_code import AlertRule, RuleGroup

        absent = AlertRule(name="Absent", expr='absent(up{job="x"})', for_="5m")
        group = RuleGroup("a", [absent])
        ''',
        "dashboards/d.py": '''
        from monitoring_as_code import Dashboard, TimeSeries
        from alerts.a import absent

        d = Dashboard("D", "d", panels=[TimeSeries("up", queries=["up"], thresholds_from=absent)])
        ''',
    }
    write_tree(tmp_path, files)
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert ("dashboards/d.py:4: [error] panel 'up': alert Absent has no threshold comparison "
            "(<, <=, >, >= against a number) (panel/thresholds-from)") in result.stderr


def test_usage_error_exits_2(tmp_path):
    result = run_mac("compile", "--no-such-flag", cwd=tmp_path)
    assert result.returncode == 2
    result = run_mac("compile", "--src", str(tmp_path / "missing"), cwd=tmp_path)
    assert result.returncode == 2


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    write_tree(tmp_path, {"alerts/good.py": GOOD_ALERT, "precious/notes.txt": "keep me"})
    result = run_mac("compile", "--out", "precious", cwd=tmp_path)
    assert result.returncode == 2
    assert "refusing to replace it" in result.stderr
    assert (tmp_path / "precious" / "notes.txt").read_text() == "keep me"


def test_wrong_type_is_named_where_it_was_put_and_build_is_untouched(tmp_path):
    before, _ = _compiled_once(tmp_path, {"alerts/good.py": GOOD_ALERT})
    write_tree(tmp_path, {"dashboards/typed.py": '''
    from monitoring_as_code import Dashboard, Stat


    def legacy_panel():
        return {"type": "graph", "title": "old"}


    d = Dashboard("Typed", "typed", panels=[Stat("Up", queries=['up{job="node"}'], unit="none", description="d"),
                                            legacy_panel()])
    '''})
    result = run_mac("compile", "--out", "build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "dashboards/typed.py:8: [error] dashboard typed: panels[1] is a dict, not a panel or Row (model/type)")
    assert "Traceback" not in result.stderr
    assert tree_bytes(tmp_path / "build") == before
