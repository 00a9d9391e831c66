"""An SLO can be compiled: an objective strictly between 0 and 100 %, a period and windows in
Prometheus' grammar, tiers whose short window is shorter than the long and whose long window
fits in the period, an SLI of a known kind, and for Latency a threshold that is a bucket
boundary of the histogram (a histogram cannot tell requests apart between two boundaries)."""
from ..contract import BY_NAME
from ..diagnostics import Severity
from ..model.slo import Latency
from ..slo import problems

RULE = "slo/definition"
SEVERITY = Severity.ERROR


def check(ctx):
    buckets = {name: tuple(m.buckets) for name, m in BY_NAME.items() if m.buckets}
    for slo in ctx.defs.slos:
        for message in problems(slo):
            ctx.report(slo, f"SLO {slo.name}: {message}", "see the SLO section of the README")
        sli = slo.sli
        if isinstance(sli, Latency) and sli.histogram in buckets and sli.threshold not in buckets[sli.histogram]:
            near = ", ".join(f"{b:g}" for b in buckets[sli.histogram])
            ctx.report(slo, f"SLO {slo.name}: {sli.threshold:g} s is not a bucket boundary of {sli.histogram} ({near})",
                       "choose a boundary: the histogram counts requests only up to each of them")
