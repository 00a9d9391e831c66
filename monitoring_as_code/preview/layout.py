"""Grafana's dashboard grid in pixels: 24 columns, rows of 30 px, 8 px between cells, as
react-grid-layout places panels (GRID_CELL_HEIGHT, GRID_CELL_VMARGIN, GRID_COLUMN_COUNT)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

COLUMNS = 24
ROW_HEIGHT = 30
MARGIN = 8
PAGE_WIDTH = 1600  # the grid's width in the page (and so each panel's data points)


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int


def box(x: int, y: int, w: int, h: int, width: int = PAGE_WIDTH) -> Box:
    column = (width - MARGIN * (COLUMNS - 1)) / COLUMNS
    return Box(left=round(column * x + MARGIN * x), top=y * (ROW_HEIGHT + MARGIN),
               width=round(column * w + MARGIN * max(w - 1, 0)), height=h * ROW_HEIGHT + MARGIN * max(h - 1, 0))


def grid_height(panels: List[dict]) -> int:
    bottom = 0
    for p in panels:  # top level: a collapsed row's panels stay folded inside it
        g = p.get("gridPos") or {}
        bottom = max(bottom, int(g.get("y", 0)) + int(g.get("h", 0)))
    return box(0, 0, 1, bottom).height if bottom else 0
