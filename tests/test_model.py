"""The model: immutable, remembers where it was written, derives thresholds from alerts."""
import dataclasses

import pytest

from monitoring_as_code import (AlertRule, Dashboard, GridPos, Query, Row, RuleGroup, Stat, TimeSeries,
                                from_alert)
from monitoring_as_code.emit.grafana import ref_id
from monitoring_as_code.emit.layout import layout
from monitoring_as_code.model.durations import format_seconds, is_duration, seconds
from monitoring_as_code.promql import comparison
from monitoring_as_code.thresholds import derive


def test_objects_remember_file_and_line():
    rule = AlertRule(name="X", expr="up == 0")
    line = rule.source.line
    panel = TimeSeries(
        "t",
        queries=["up"],
    )
    assert rule.source.file == "tests/test_model.py"  # relative to the working directory
    assert panel.source.line == line + 2  # the line where the call starts
    assert panel.queries[0].source == panel.source  # a bare string query points at its panel


def test_objects_are_frozen_and_lists_become_tuples():
    group = RuleGroup("g", [AlertRule(name="X", expr="up == 0")])
    assert isinstance(group.rules, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        group.name = "other"
    rule = AlertRule(name="X", expr="up", labels={"b": "2", "a": "1"})
    assert rule.labels == (("a", "1"), ("b", "2"))
    assert AlertRule(name="X", expr="up", labels={"a": "1", "b": "2"}) == rule  # order-insensitive


def test_dashboard_always_has_a_datasource_variable():
    d = Dashboard("D", "d")
    assert [v.name for v in d.variables] == ["datasource"]


@pytest.mark.parametrize("expr, expected", [
    ("x > 80", (">", 80.0)),
    ("80 < x", (">", 80.0)),
    ("(x) * 100 < 15 and on (a) y == 0", ("<", 15.0)),
    ("((sum(x) >= 0.5))", (">=", 0.5)),
    ("x > bool 1", None),
    ("absent(x)", None),
    ("x > y", None),
])
def test_threshold_comparison(expr, expected):
    found = comparison(expr)
    assert (found and (found.op, found.value)) == expected


def _steps(link):
    return [(s.value, s.color) for s in derive(link)]


def test_thresholds_from_alert_direction_complement_and_scale():
    high = AlertRule(name="High", expr="cpu > 80", severity="warning")
    low = AlertRule(name="Low", expr="free_pct < 15", severity="critical")
    ratio = AlertRule(name="Ratio", expr="free_ratio < 0.15", severity="critical")
    assert _steps(from_alert(high)) == [(None, "green"), (80, "orange")]
    assert _steps(from_alert(low)) == [(None, "red"), (15, "green")]
    assert _steps(from_alert(low, complement=100)) == [(None, "green"), (85, "red")]
    assert _steps(from_alert(ratio, scale=100, complement=100)) == [(None, "green"), (85, "red")]
    with pytest.raises(ValueError, match="alert Absent has no threshold comparison"):
        derive(from_alert(AlertRule(name="Absent", expr="absent(up)")))


def test_auto_layout_flows_and_wraps_and_respects_rows():
    items = [
        Stat("a"), Stat("b"), Stat("c"), Stat("d"), Stat("e"),  # 4 × 6 fill a line, e wraps
        Row("r", panels=[TimeSeries("f"), TimeSeries("g", width=24)]),
        TimeSeries("h", grid_pos=GridPos(0, 100, 24, 3)),
    ]
    placed = [(getattr(i, "title"), (p.x, p.y, p.w, p.h)) for i, p, _ in layout(items)]
    children = [(c.title, (p.x, p.y, p.w, p.h)) for _, _, cs in layout(items) for c, p in cs]
    assert placed == [("a", (0, 0, 6, 4)), ("b", (6, 0, 6, 4)), ("c", (12, 0, 6, 4)), ("d", (18, 0, 6, 4)),
                      ("e", (0, 4, 6, 4)), ("r", (0, 8, 24, 1)), ("h", (0, 100, 24, 3))]
    assert children == [("f", (0, 9, 12, 8)), ("g", (0, 17, 24, 8))]


def test_ref_ids_follow_grafanas_sequence():
    assert [ref_id(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_durations():
    assert is_duration("1h30m") and not is_duration("30m1h") and not is_duration("5 m")
    assert seconds("1h30m") == 5400
    assert format_seconds(90) == "1m30s"


def test_query_accepts_strings_and_query_objects():
    panel = TimeSeries("t", queries=["up", Query("rate(x_total[5m])", legend="{{job}}")])
    assert [q.expr for q in panel.queries] == ["up", "rate(x_total[5m])"]
    assert panel.queries[1].legend == "{{job}}"
