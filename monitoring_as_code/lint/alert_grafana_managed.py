"""An alert written as a Grafana-managed rule (grafana_managed=True, or [tool.mac]
grafana_alerting = true) must compare its expression with a number: Grafana's rule is that
expression without the comparison, then a threshold with the same operator and number
(emit/grafana_alerting.py). An absence check or a comparison of two series has no such
threshold, and a rule that fired elsewhere than the Prometheus one would not be the same alert."""
from ..diagnostics import Severity
from ..promql import without_comparison

RULE = "alert/grafana-managed"
SEVERITY = Severity.ERROR


def check(ctx):
    every = getattr(ctx.config, "grafana_alerting", False)
    for group, alert in ctx.alerts():
        if not (every or getattr(alert, "grafana_managed", False)):
            continue
        try:
            query = without_comparison(alert.expr)
        except (ValueError, TypeError):
            continue  # promql/syntax reports it
        if query is None:
            ctx.report(alert, f"alert {alert.name}: no comparison with a number to become a Grafana threshold",
                       "write the expression as `X > number` (or `X > number and …`), or keep this alert "
                       "Prometheus-only (grafana_managed=False; with grafana_alerting = true, ignore this rule on it)",
                       (group,))
