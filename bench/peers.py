"""The same generated dashboards built by the peers, as their users would: grafanalib
(to_json_data and its JSON encoder, as its generate-dashboards does) and Grafana's
grafana-foundation-sdk (builders, build(), its JSONEncoder), one file per dashboard.

    python bench/peers.py grafanalib|foundation OUT --dashboards 1000 --panels 20"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import dashboard_spec  # noqa: E402


def grafanalib_dashboards(out, count, panels):
    import json

    from grafanalib import core as g
    from grafanalib._gen import DashboardEncoder

    kinds = {"TimeSeries": lambda p, t: g.TimeSeries(title=p["title"], targets=t, unit=p["unit"], description=p["description"]),
             "Stat": lambda p, t: g.Stat(title=p["title"], targets=t, format=p["unit"], description=p["description"]),
             "Gauge": lambda p, t: g.GaugePanel(title=p["title"], targets=t, format=p["unit"], description=p["description"]),
             "BarGauge": lambda p, t: g.BarGauge(title=p["title"], targets=t, format=p["unit"], description=p["description"])}
    for index in range(count):
        built = []
        for i, p in enumerate(dashboard_spec(index, panels)):
            targets = [g.Target(expr=p["expr"], legendFormat=p["legend"], refId="A")]
            panel = kinds[p["kind"]](p, targets)
            built.append(panel)
        d = g.Dashboard(title=f"Generated {index}", uid=f"gen-{index:05d}", tags=["generated"], panels=built,
                        templating=g.Templating(list=[g.Template(name="instance", query='label_values(up{job="gen"}, instance)',
                                                                 dataSource="${datasource}")])).auto_panel_ids()
        with open(os.path.join(out, f"gen-{index:05d}.json"), "w") as f:
            f.write(json.dumps(d.to_json_data(), sort_keys=True, indent=2, cls=DashboardEncoder))


def foundation_dashboards(out, count, panels):
    from grafana_foundation_sdk.builders import bargauge, dashboard, gauge, prometheus, stat, timeseries
    from grafana_foundation_sdk.cog.encoder import JSONEncoder

    kinds = {"TimeSeries": timeseries.Panel, "Stat": stat.Panel, "Gauge": gauge.Panel, "BarGauge": bargauge.Panel}
    encoder = JSONEncoder(sort_keys=True, indent=2)
    for index in range(count):
        builder = dashboard.Dashboard(f"Generated {index}").uid(f"gen-{index:05d}").tags(["generated"])
        builder = builder.with_variable(dashboard.QueryVariable("instance").query('label_values(up{job="gen"}, instance)'))
        for p in dashboard_spec(index, panels):
            builder = builder.with_panel(
                kinds[p["kind"]]().title(p["title"]).unit(p["unit"]).description(p["description"])
                .with_target(prometheus.Dataquery().expr(p["expr"]).legend_format(p["legend"])))
        with open(os.path.join(out, f"gen-{index:05d}.json"), "w") as f:
            f.write(encoder.encode(builder.build()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer", choices=("grafanalib", "foundation"))
    parser.add_argument("out")
    parser.add_argument("--dashboards", type=int, default=1000)
    parser.add_argument("--panels", type=int, default=20)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    (grafanalib_dashboards if args.peer == "grafanalib" else foundation_dashboards)(args.out, args.dashboards, args.panels)
