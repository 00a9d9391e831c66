"""The Dashboard: a titled, uid-addressed collection of rows, panels and variables."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

from .. import options as o
from .base import Located, freeze, set_frozen
from .folder import Folder
from .panels import Panel, Row, _check_json
from .variables import VARIABLE_KINDS, DatasourceVariable, Variable


@dataclass(frozen=True)
class Dashboard(Located):
    title: str
    uid: str
    panels: Sequence[Union[Panel, Row]] = ()
    tags: Sequence[str] = ()
    description: str = ""
    variables: Sequence[Variable] = ()
    time_from: str = "now-6h"
    time_to: str = "now"
    refresh: str = "30s"
    timezone: str = "browser"
    # 0: no shared crosshair, 1: shared crosshair (mac's default), 2: shared tooltip.
    graph_tooltip: int = 1
    editable: bool = True
    # Annotation queries besides Grafana's built-in "Annotations & Alerts" (written first
    # unless one of these is built in).
    annotations: Sequence[o.Annotation] = ()
    links: Sequence[o.DashboardLink] = ()
    timepicker: Optional[o.TimePickerConfig] = None
    week_start: Optional[str] = None
    fiscal_year_start_month: Optional[int] = None
    live_now: Optional[bool] = None
    # False: no `datasource` variable is added (every panel names its own datasource).
    datasource_variable_added: bool = True
    # The Grafana folder the dashboard lands in; None: the stack's default folder
    # (Grafana(folder="mac") in stack.py).
    folder: Optional[Folder] = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("panels", "tags", "annotations", "links"):
            set_frozen(self, name, freeze(getattr(self, name)))
        variables = freeze(self.variables)
        # Every datasource reference mac writes by default is "${datasource}", so the
        # variable must exist.
        if self.datasource_variable_added and not any(isinstance(v, DatasourceVariable) for v in variables):
            variables = (DatasourceVariable(source=self.source),) + tuple(variables)
        set_frozen(self, "variables", variables)
        if self.graph_tooltip not in (0, 1, 2):
            self.add_type_problems([f"Dashboard.graph_tooltip is {self.graph_tooltip!r}, not 0, 1 or 2"])
        _check_json(self, ("annotations", "links", "timepicker"))

    @property
    def datasource_variable(self) -> Optional[DatasourceVariable]:
        return next((v for v in self.variables if isinstance(v, DatasourceVariable)), None)

    def all_panels(self) -> Tuple[Panel, ...]:
        out = []
        for item in self.panels:
            out.extend(item.panels if isinstance(item, Row) else (item,))
        return tuple(out)


__all__ = ["Dashboard", "VARIABLE_KINDS"]
