"""Host alerts from node_exporter (job "node")."""
from monitoring_as_code import AlertRule, RuleGroup

from alerts.common import runbook

disk_space_low = AlertRule(
    name="DiskSpaceLow",
    expr="""
(
  node_filesystem_avail_bytes{job="node", fstype!~"tmpfs|overlay"}
  / node_filesystem_size_bytes{job="node", fstype!~"tmpfs|overlay"}
) * 100 < 15
and on (instance, device, mountpoint) node_filesystem_readonly{job="node"} == 0
""",
    for_="5m",
    severity="critical",
    summary="Disk almost full on {{ $labels.instance }} ({{ $labels.mountpoint }})",
    description="Only {{ $value | humanize }}% free on {{ $labels.mountpoint }} ({{ $labels.device }}) of {{ $labels.instance }}.",
    runbook_url=runbook("DiskSpaceLow"),
)

high_cpu_usage = AlertRule(
    name="HighCPUUsage",
    expr="""
100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{job="node", mode="idle"}[5m]))) > 80
""",
    for_="5m",
    severity="warning",
    summary="High CPU usage on {{ $labels.instance }}",
    description="CPU usage on {{ $labels.instance }} is {{ $value | humanize }}% (above 80% for 5 minutes).",
    runbook_url=runbook("HighCPUUsage"),
)

high_memory_usage = AlertRule(
    name="HighMemoryUsage",
    expr="""
100 * (1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}) > 85
""",
    for_="5m",
    severity="warning",
    summary="High memory usage on {{ $labels.instance }}",
    description="Memory usage on {{ $labels.instance }} is {{ $value | humanize }}% (above 85% for 5 minutes).",
    runbook_url=runbook("HighMemoryUsage"),
)

node = RuleGroup("node", [disk_space_low, high_cpu_usage, high_memory_usage])
