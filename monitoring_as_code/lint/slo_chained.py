"""chained_period=True records the period SLI as the average of 1-hour ratios: cheaper on many
series, but an average of averages, biased when traffic is uneven (a quiet night's hour
weighs as much as a busy day's)."""
from ..diagnostics import Severity

RULE = "slo/chained-period"
SEVERITY = Severity.WARNING


def check(ctx):
    for slo in ctx.defs.slos:
        if slo.chained_period is True:
            ctx.report(slo, f"SLO {slo.name}: the period SLI averages 1-hour ratios (chained_period=True)",
                       "the exact sum(increase(errors[period])) / sum(increase(total[period])) is the default")
