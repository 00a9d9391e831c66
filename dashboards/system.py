"""System: CPU, memory, disk and network of every host (node_exporter, job "node")."""
from monitoring_as_code import Dashboard, Query, Row, Stat, TimeSeries, from_alert

from alerts.node import disk_space_low, high_cpu_usage, high_memory_usage
from dashboards.common import TAGS, instance_variable

NODE = 'job="node", instance=~"$instance"'
FS = f'{NODE}, fstype!~"tmpfs|overlay"'

cpu = f'100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{{{NODE}, mode="idle"}}[$__rate_interval])))'
memory = f"100 * (1 - node_memory_MemAvailable_bytes{{{NODE}}} / node_memory_MemTotal_bytes{{{NODE}}})"
disk_used = f"100 * (1 - node_filesystem_avail_bytes{{{FS}}} / node_filesystem_size_bytes{{{FS}}})"

system = Dashboard(
    title="System",
    uid="mac-system",
    tags=TAGS + ("node",),
    description="CPU, memory, disk and network of the hosts, from node_exporter.",
    variables=[instance_variable("node")],
    panels=[
        Row("Now", panels=[
            Stat("CPU", queries=[Query(cpu, legend="{{instance}}")], unit="percent", min=0, max=100,
                 thresholds_from=high_cpu_usage, description="CPU busy (not idle) across all cores."),
            Stat("Memory", queries=[Query(memory, legend="{{instance}}")], unit="percent", min=0, max=100,
                 thresholds_from=high_memory_usage, description="Memory in use: 1 − MemAvailable / MemTotal."),
            Stat("Fullest disk", queries=[Query(f"max by (instance) ({disk_used})", legend="{{instance}}")],
                 unit="percent", min=0, max=100, thresholds_from=from_alert(disk_space_low, complement=100),
                 description="Used space of the fullest real filesystem (tmpfs and overlay left out)."),
            Stat("Uptime", queries=[Query(f"time() - node_boot_time_seconds{{{NODE}}}", legend="{{instance}}")],
                 unit="s", description="Time since the host booted."),
        ]),
        Row("Usage", panels=[
            TimeSeries("CPU usage", queries=[Query(cpu, legend="{{instance}}")], unit="percent", min=0, max=100,
                       thresholds_from=high_cpu_usage,
                       description="Share of CPU time not idle, averaged over cores. The line is where HighCPUUsage fires."),
            TimeSeries("Memory usage", queries=[Query(memory, legend="{{instance}}")], unit="percent", min=0, max=100,
                       thresholds_from=high_memory_usage,
                       description="1 − MemAvailable / MemTotal. The line is where HighMemoryUsage fires."),
            TimeSeries("Disk used per mountpoint",
                       queries=[Query(disk_used, legend="{{instance}} {{mountpoint}}")],
                       unit="percent", min=0, max=100, thresholds_from=from_alert(disk_space_low, complement=100),
                       description="Used space per filesystem. The line is where DiskSpaceLow (free below 15%) fires."),
            TimeSeries("Network traffic",
                       queries=[
                           Query(f'rate(node_network_receive_bytes_total{{{NODE}, device!="lo"}}[$__rate_interval])',
                                 legend="{{instance}} {{device}} receive"),
                           Query(f'rate(node_network_transmit_bytes_total{{{NODE}, device!="lo"}}[$__rate_interval])',
                                 legend="{{instance}} {{device}} transmit"),
                       ],
                       unit="Bps", description="Bytes per second received and transmitted per interface (loopback left out)."),
        ]),
    ],
)
