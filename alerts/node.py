"""Host alerts from node_exporter (job "node")."""
from monitoring_as_code import AlertRule, RuleGroup
from monitoring_as_code.testing import AlertTest, Series, constant, counter, fires, pending, quiet, step, threshold_tests

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

# The spec, as tests: each fails if the rule's threshold, comparison or `for` drifts from it.
NODE = 'instance="web-1:9100", job="node"'
ROOT_FS = f'{NODE}, device="/dev/sda1", fstype="ext4", mountpoint="/"'
tests = [
    *threshold_tests(disk_space_low, "< 15", for_="5m", fire=14, safe=16),
    *threshold_tests(high_cpu_usage, "> 80", for_="5m"),
    *threshold_tests(high_memory_usage, "> 85", for_="5m"),
    AlertTest(
        disk_space_low, "fires per mountpoint, with its labels",
        series=[
            Series(f"node_filesystem_avail_bytes{{{ROOT_FS}}}", step(500, 100, at="3m", duration="15m")),
            Series(f"node_filesystem_size_bytes{{{ROOT_FS}}}", constant(1000, "15m")),
            Series(f"node_filesystem_readonly{{{ROOT_FS}}}", constant(0, "15m")),
        ],
        expect=[pending(at="7m", labels={"mountpoint": "/"}), fires(at="8m", labels={"mountpoint": "/", "severity": "critical"})],
    ),
    AlertTest(
        disk_space_low, "read-only and tmpfs filesystems never alert",
        series=[
            Series(f'node_filesystem_avail_bytes{{{NODE}, device="sr0", fstype="iso9660", mountpoint="/cdrom"}}', constant(0, "15m")),
            Series(f'node_filesystem_size_bytes{{{NODE}, device="sr0", fstype="iso9660", mountpoint="/cdrom"}}', constant(1000, "15m")),
            Series(f'node_filesystem_readonly{{{NODE}, device="sr0", fstype="iso9660", mountpoint="/cdrom"}}', constant(1, "15m")),
            Series(f'node_filesystem_avail_bytes{{{NODE}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}}', constant(1, "15m")),
            Series(f'node_filesystem_size_bytes{{{NODE}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}}', constant(1000, "15m")),
            Series(f'node_filesystem_readonly{{{NODE}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}}', constant(0, "15m")),
        ],
        expect=[quiet(between=("0m", "14m"))],
    ),
    AlertTest(
        high_cpu_usage, "a CPU busy at 90% fires, averaged over its cores",
        series=[
            Series(f'node_cpu_seconds_total{{{NODE}, cpu="0", mode="idle"}}', counter(0.05, "20m")),
            Series(f'node_cpu_seconds_total{{{NODE}, cpu="1", mode="idle"}}', counter(0.15, "20m")),
        ],
        # The idle counters start at 0 and rate() is not extrapolated below zero, so for the first
        # 5 minutes the idle share reads low and the busy share high: pending from the first minute.
        expect=[pending(at="5m"), fires(at="6m", labels={"instance": "web-1:9100"})],
    ),
]
