"""Automatic placement on Grafana's 24-column grid."""
from __future__ import annotations

from typing import List, Tuple

from ..model.panels import GridPos, Panel, Row

GRID_WIDTH = 24


class _Flow:
    """Left to right, wrapping when a panel would cross column 24; a row header starts a
    new line. Panels with an explicit grid_pos keep it and push the flow below them."""

    def __init__(self) -> None:
        self.x = 0
        self.y = 0
        self.line_bottom = 0

    def newline(self) -> None:
        if self.x:
            self.y, self.x = self.line_bottom, 0
        self.y = max(self.y, self.line_bottom)

    def place(self, panel: Panel) -> GridPos:
        if panel.grid_pos is not None:
            pos = panel.grid_pos
            self.line_bottom = max(self.line_bottom, pos.y + pos.h)
            return pos
        w = max(1, min(panel.width, GRID_WIDTH))
        if self.x + w > GRID_WIDTH:
            self.newline()
        pos = GridPos(self.x, self.y, w, panel.height)
        self.x += w
        self.line_bottom = max(self.line_bottom, self.y + panel.height)
        return pos

    def row(self, row: Row) -> GridPos:
        if row.grid_pos is not None:
            pos = row.grid_pos
            self.x, self.y = 0, pos.y + pos.h
            self.line_bottom = self.y
            return pos
        self.newline()
        pos = GridPos(0, self.y, GRID_WIDTH, 1)
        self.y += 1
        self.line_bottom = self.y
        return pos


def layout(items) -> List[Tuple[object, GridPos, list]]:
    """[(panel or row, position, [(child panel, position), …])] in dashboard order."""
    flow = _Flow()
    out = []
    for item in items:
        if isinstance(item, Row):
            pos = flow.row(item)
            children = [(p, flow.place(p)) for p in item.panels]
            out.append((item, pos, children))
        else:
            out.append((item, flow.place(item), []))
    return out
