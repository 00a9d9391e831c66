from .dashboard import Dashboard
from .panels import (BarGauge, Gauge, GridPos, Panel, Query, Row, Stat, Table, Threshold,
                     ThresholdsFrom, TimeSeries, from_alert)
from .rules import AlertRule, Boundary, RecordingRule, RuleGroup
from .variables import DatasourceVariable, InstanceVariable, JobVariable, QueryVariable

__all__ = [
    "AlertRule", "BarGauge", "Boundary", "Dashboard", "DatasourceVariable", "Gauge", "GridPos",
    "InstanceVariable", "JobVariable", "Panel", "Query", "QueryVariable", "RecordingRule",
    "Row", "RuleGroup", "Stat", "Table", "Threshold", "ThresholdsFrom", "TimeSeries", "from_alert",
]
