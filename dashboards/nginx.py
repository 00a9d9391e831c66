"""Nginx: connections and requests (nginx-prometheus-exporter on stub_status, job "nginx")."""
from monitoring_as_code import Dashboard, Query, Row, Stat, Threshold, TimeSeries

from dashboards.common import TAGS, instance_variable

N = 'job="nginx", instance=~"$instance"'

nginx = Dashboard(
    title="Nginx",
    uid="mac-nginx",
    tags=TAGS + ("nginx",),
    description="Nginx connections and requests, from nginx-prometheus-exporter (stub_status).",
    variables=[instance_variable("nginx")],
    panels=[
        Row("Status", panels=[
            Stat("Nginx up", queries=[Query(f"nginx_up{{{N}}}", legend="{{instance}}")], graph_mode="none", unit="none",
                 thresholds=[Threshold(None, "red"), Threshold(1, "green")],
                 description="1 when the exporter can read stub_status."),
            Stat("Active connections", queries=[Query(f"nginx_connections_active{{{N}}}", legend="{{instance}}")], unit="short",
                 description="Client connections open now, including idle keep-alive ones."),
            Stat("Requests", queries=[Query(f"rate(nginx_http_requests_total{{{N}}}[$__rate_interval])",
                                            legend="{{instance}}")],
                 unit="reqps", description="Requests per second."),
        ]),
        Row("Traffic", panels=[
            TimeSeries("Connections",
                       queries=[
                           Query(f"nginx_connections_active{{{N}}}", legend="{{instance}} active"),
                           Query(f"nginx_connections_reading{{{N}}}", legend="{{instance}} reading"),
                           Query(f"nginx_connections_writing{{{N}}}", legend="{{instance}} writing"),
                           Query(f"nginx_connections_waiting{{{N}}}", legend="{{instance}} waiting"),
                       ],
                       unit="short", min=0, description="Active connections and their state."),
            TimeSeries("Requests", queries=[Query(f"rate(nginx_http_requests_total{{{N}}}[$__rate_interval])",
                                                  legend="{{instance}}")],
                       unit="reqps", min=0,
                       description="Requests per second. stub_status has no status codes: 5xx rates are on the API dashboard."),
        ]),
    ],
)
