"""Dashboard template variables: one class per kind Grafana has.

Fields left None are not written (Grafana's default applies); `extra` holds keys the typed
fields do not cover. DatasourceVariable and QueryVariable carry mac's defaults (a Prometheus
datasource variable; multi-value query variables with All, refreshed on time change)."""
from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Mapping, Optional, Sequence, Union

from .. import options as o
from .base import Located, freeze, set_frozen

DataSource = Union[str, o.DataSourceRef, None]


@dataclass(frozen=True)
class _Variable(Located):
    """What every kind shares. `hide`: False (shown), True (hidden: Grafana's 2) or "label"
    (only the value shown: Grafana's 1)."""

    _: KW_ONLY
    label: Optional[str] = None
    description: Optional[str] = None
    hide: Union[bool, str] = False
    skip_url_sync: Optional[bool] = None
    current: Optional[o.VariableOption] = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    kind = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.hide not in (False, True, "label"):
            self.add_type_problems([f"{type(self).__name__}.hide is {self.hide!r}, not True, False or 'label'"])
        for name in ("options",):
            if hasattr(self, name):
                set_frozen(self, name, freeze(getattr(self, name)))

    @property
    def hide_code(self) -> int:
        return {False: 0, "label": 1, True: 2}.get(self.hide, 0)


@dataclass(frozen=True)
class DatasourceVariable(_Variable):
    name: str = "datasource"
    label: Optional[str] = field(default="Data source", kw_only=True)
    plugin: str = "prometheus"
    # The datasource uid selected by default: the one provisioned for Grafana (None: no
    # selection written; Grafana picks the default datasource of the plugin type).
    default: Optional[str] = "prometheus"
    regex: str = ""
    multi: bool = False
    include_all: bool = False
    refresh: int = 1
    options: Sequence[o.VariableOption] = ()

    kind = "datasource"


@dataclass(frozen=True)
class QueryVariable(_Variable):
    name: str
    query: Union[str, Mapping[str, Any]] = ""
    multi: bool = True
    include_all: bool = True
    all_value: Optional[str] = ".*"
    # 2: refresh on time-range change, so instances that appear later show up.
    refresh: int = 2
    sort: int = 1
    regex: str = ""
    definition: Optional[str] = None
    datasource: DataSource = ""
    options: Sequence[o.VariableOption] = ()

    kind = "query"


@dataclass(frozen=True)
class CustomVariable(_Variable):
    """Values listed by hand: CustomVariable("env", query="prod,staging")."""
    name: str

    query: str = ""
    multi: Optional[bool] = None
    include_all: Optional[bool] = None
    all_value: Optional[str] = None
    options: Sequence[o.VariableOption] = ()

    kind = "custom"


@dataclass(frozen=True)
class IntervalVariable(_Variable):
    name: str
    query: str = "1m,10m,30m,1h,6h,12h,1d,7d,14d,30d"
    auto: Optional[bool] = None
    auto_count: Optional[int] = None
    auto_min: Optional[str] = None
    refresh: Optional[int] = None
    options: Sequence[o.VariableOption] = ()

    kind = "interval"


@dataclass(frozen=True)
class ConstantVariable(_Variable):
    name: str
    query: str = ""
    hide: Union[bool, str] = field(default=True, kw_only=True)
    options: Sequence[o.VariableOption] = ()

    kind = "constant"


@dataclass(frozen=True)
class TextBoxVariable(_Variable):
    name: str
    query: str = ""
    options: Sequence[o.VariableOption] = ()

    kind = "textbox"


@dataclass(frozen=True)
class AdHocVariable(_Variable):
    name: str
    datasource: DataSource = ""
    filters: Sequence[Mapping[str, Any]] = ()

    kind = "adhoc"

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "filters", freeze(self.filters))


Variable = Union[DatasourceVariable, QueryVariable, CustomVariable, IntervalVariable, ConstantVariable,
                 TextBoxVariable, AdHocVariable]
VARIABLE_KINDS = (DatasourceVariable, QueryVariable, CustomVariable, IntervalVariable, ConstantVariable,
                  TextBoxVariable, AdHocVariable)


def JobVariable(query: str = "label_values(up, job)", **kwargs) -> QueryVariable:
    kwargs.setdefault("label", "Job")
    return QueryVariable("job", query, **kwargs)


def InstanceVariable(job: str = "", **kwargs) -> QueryVariable:
    selector = f'up{{job="{job}"}}' if job else 'up{job=~"$job"}'
    kwargs.setdefault("label", "Instance")
    return QueryVariable("instance", f"label_values({selector}, instance)", **kwargs)
