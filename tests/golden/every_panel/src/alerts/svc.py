from monitoring_as_code import AlertRule, RecordingRule, RuleGroup

saturated = AlertRule(
    name="ServiceSaturated",
    expr="svc:saturation:ratio < 0.2",
    for_="15m",
    keep_firing_for="5m",
    severity="critical",
    summary="{{ $labels.instance }} has little headroom left",
    description="Only {{ $value | humanizePercentage }} headroom on {{ $labels.instance }}.",
    runbook_url="https://runbooks.example.org/ServiceSaturated",
    labels={"team": "platform"},
    annotations={"dashboard": "https://grafana.example.org/d/golden"},
)

recording = RuleGroup("svc-recording", [
    RecordingRule("svc:saturation:ratio", "1 - avg by (instance) (svc_busy_ratio)", labels={"source": "mac"}),
], interval="30s")
alerting = RuleGroup("svc-alerts", [saturated])
