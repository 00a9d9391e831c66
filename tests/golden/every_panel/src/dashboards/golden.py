from monitoring_as_code import (BarGauge, Dashboard, Gauge, GridPos, JobVariable, Query, QueryVariable, Row,
                                Stat, Table, Threshold, TimeSeries, from_alert)

from alerts.svc import saturated

golden = Dashboard(
    title="Golden",
    uid="golden",
    tags=["test"],
    description="Every panel type once.",
    variables=[JobVariable(), QueryVariable("instance", 'label_values(up{job=~"$job"}, instance)', multi=False,
                                            include_all=False)],
    refresh="1m",
    time_from="now-24h",
    panels=[
        Stat("Headroom", queries=['svc:saturation:ratio{job=~"$job"}'], unit="percentunit",
             thresholds_from=saturated, decimals=1, description="Capacity left."),
        Gauge("Used", queries=['1 - svc:saturation:ratio{job=~"$job"}'], unit="percent", min=0, max=100,
              thresholds_from=from_alert(saturated, scale=100, complement=100), description="Capacity used."),
        BarGauge("Busy by instance", queries=[Query("svc_busy_ratio", legend="{{instance}}")], unit="percentunit",
                 description="Busy share per instance.",
                 thresholds=[Threshold(None, "green"), Threshold(0.5, "yellow"), Threshold(0.9, "red")]),
        Row("Details", collapsed=True, panels=[
            TimeSeries("Busy", queries=[Query("svc_busy_ratio", legend="{{instance}}"),
                                        Query("avg(svc_busy_ratio)", legend="mean")],
                       stack=True, legend_calcs=("mean", "max"), width=24, unit="percentunit",
                       description="Busy share over time."),
            Table("Instances", queries=['up{job=~"$job"}'], grid_pos=GridPos(0, 40, 24, 6), unit="none",
                  description="Targets and whether they are up."),
        ]),
    ],
)
