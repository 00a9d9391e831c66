"""The Dashboard: a titled, uid-addressed collection of rows, panels and variables."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Tuple, Union

from .base import Located, freeze, set_frozen
from .panels import Panel, Row
from .variables import DatasourceVariable, QueryVariable

Variable = Union[DatasourceVariable, QueryVariable]


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

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "panels", freeze(self.panels))
        set_frozen(self, "tags", freeze(self.tags))
        variables = freeze(self.variables)
        # Every datasource reference in the output is "${datasource}", so the variable must exist.
        if not any(isinstance(v, DatasourceVariable) for v in variables):
            variables = (DatasourceVariable(source=self.source),) + tuple(variables)
        set_frozen(self, "variables", variables)

    @property
    def datasource_variable(self) -> DatasourceVariable:
        return next(v for v in self.variables if isinstance(v, DatasourceVariable))

    def all_panels(self) -> Tuple[Panel, ...]:
        out = []
        for item in self.panels:
            out.extend(item.panels if isinstance(item, Row) else (item,))
        return tuple(out)
