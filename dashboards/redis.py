"""Redis: memory, commands, keys and clients (redis_exporter, job "redis")."""
from monitoring_as_code import Dashboard, Query, Row, Stat, TimeSeries

from alerts.redis import redis_down
from dashboards.common import TAGS, instance_variable

R = 'job="redis", instance=~"$instance"'

redis = Dashboard(
    title="Redis",
    uid="mac-redis",
    tags=TAGS + ("redis",),
    description="Redis health and load, from redis_exporter.",
    variables=[instance_variable("redis")],
    panels=[
        Row("Status", panels=[
            Stat("Redis up", queries=[Query(f"redis_up{{{R}}}", legend="{{instance}}")],
                 thresholds_from=redis_down, graph_mode="none", unit="none",
                 description="1 when redis_exporter can reach Redis; red where RedisDown fires."),
            Stat("Memory used", queries=[Query(f"redis_memory_used_bytes{{{R}}}", legend="{{instance}}")],
                 unit="bytes", description="Memory Redis has allocated (used_memory)."),
            Stat("Connected clients", queries=[Query(f"redis_connected_clients{{{R}}}", legend="{{instance}}")],
                 unit="short", description="Client connections open now."),
        ]),
        Row("Load", panels=[
            TimeSeries("Memory used", queries=[Query(f"redis_memory_used_bytes{{{R}}}", legend="{{instance}}")],
                       unit="bytes", min=0, description="Memory Redis has allocated (used_memory)."),
            TimeSeries("Commands", queries=[Query(f"rate(redis_commands_processed_total{{{R}}}[$__rate_interval])",
                                                  legend="{{instance}}")],
                       unit="ops", description="Commands processed per second."),
            TimeSeries("Keys per database", queries=[Query(f"sum by (db) (redis_db_keys{{{R}}})", legend="{{db}}")],
                       unit="short", min=0, description="Keys stored in each logical database."),
            TimeSeries("Connected clients", queries=[Query(f"redis_connected_clients{{{R}}}", legend="{{instance}}")],
                       unit="short", min=0, description="Client connections open."),
        ]),
    ],
)
