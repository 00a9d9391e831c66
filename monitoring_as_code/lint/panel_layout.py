"""Panels fit the 24-column grid (an error) and do not overlap (a warning: Grafana accepts it
and moves the later panel down, as imported dashboards often rely on)."""
from ..diagnostics import Severity
from ..emit.layout import GRID_WIDTH, layout
from ..model.panels import Row

RULE = "panel/layout"
SEVERITY = Severity.ERROR


def check(ctx):
    for dashboard in ctx.dashboards():
        if not any(p.grid_pos is not None for p in dashboard.all_panels()):
            # The automatic flow keeps every panel within the grid and starts each line below
            # the last: only an explicit grid_pos can overflow or overlap.
            continue
        placed, groups = [], []
        for item, pos, children in layout(dashboard.panels):
            placed.append((item, pos))
            if isinstance(item, Row) and item.collapsed:
                # A collapsed row's panels are not on the grid until it is expanded (then
                # Grafana pushes what follows down): they can only overlap each other.
                groups.append(children)
            else:
                placed.extend(children)
        groups.insert(0, placed)
        for item, pos in (p for group in groups for p in group):
            if pos.w > GRID_WIDTH or pos.x + pos.w > GRID_WIDTH or pos.x < 0:
                ctx.report(item, f"panel {item.title!r} spans columns {pos.x}–{pos.x + pos.w}; the grid has {GRID_WIDTH}",
                           "keep x + w within 24", (dashboard,))
        for group in groups:
            _overlaps(ctx, dashboard, group)


def _overlaps(ctx, dashboard, placed) -> None:
    for i, (a, pa) in enumerate(placed):
        for b, pb in placed[:i]:
            if pa.x < pb.x + pb.w and pb.x < pa.x + pa.w and pa.y < pb.y + pb.h and pb.y < pa.y + pa.h:
                ctx.report(a, f"panel {a.title!r} overlaps panel {b.title!r} (defined at {b.source}): Grafana "
                           "moves the later one down", "move one of them, or drop grid_pos and let mac lay them out",
                           (dashboard,), severity=Severity.WARNING)
