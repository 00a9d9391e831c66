from .dashboard import Dashboard
from .folder import Folder
from .fieldconfig import Link, Override, PrometheusAnnotation, by_name, by_query, by_regex
from .panels import (AlertList, AnnoList, BarChart, BarGauge, DashList, DataSourceName, Gauge, Geomap, GridPos, Heatmap,
                     Histogram, Logs,
                     NodeGraph, Panel, PieChart, PluginPanel, Query, Row, Stat, StateTimeline, StatusHistory, Table,
                     Text, Threshold, ThresholdsFrom, TimeSeries, from_alert)
from .rules import AlertRule, Boundary, RecordingRule, RuleGroup
from .slo import SLO, Availability, BurnRate, Latency, Ratio, Tier
from .variables import (AdHocVariable, ConstantVariable, CustomVariable, DatasourceVariable, InstanceVariable,
                        IntervalVariable, JobVariable, QueryVariable, TextBoxVariable)

__all__ = [
    "AdHocVariable", "AlertList", "AlertRule", "AnnoList", "Availability", "BarChart", "BarGauge", "Boundary",
    "BurnRate", "Latency", "Ratio", "SLO", "Tier",
    "ConstantVariable", "CustomVariable", "DashList", "Dashboard", "DataSourceName", "DatasourceVariable",
    "Folder", "Gauge", "Geomap", "GridPos", "Heatmap", "Histogram", "InstanceVariable", "IntervalVariable", "JobVariable",
    "Link", "Logs", "NodeGraph", "Override", "Panel", "PieChart", "PluginPanel", "PrometheusAnnotation",
    "Query", "QueryVariable", "RecordingRule", "Row", "RuleGroup", "Stat", "StateTimeline", "StatusHistory",
    "Table", "Text", "TextBoxVariable", "Threshold", "ThresholdsFrom", "TimeSeries", "by_name", "by_query",
    "by_regex", "from_alert",
]
