"""An SLO's total counts every event its errors count: the same metric with fewer matchers
(`x{job="api"}` over `x{job="api", status=~"5.."}`), so errors ≤ total by construction and the
ratio stays within 0 and 1. An expression with {window} cannot be checked: once you have, say
so with ignore=("slo/total-covers-errors",) on the SLO."""
from ..diagnostics import Severity
from ..model.slo import Ratio
from ..slo import WINDOW

RULE = "slo/total-covers-errors"
SEVERITY = Severity.WARNING


def check(ctx):
    from ..slo.tests import CannotDerive, series_plan

    for slo in ctx.defs.slos:
        if not isinstance(slo.sli, Ratio) or not isinstance(slo.sli.errors, str) or not isinstance(slo.sli.total, str):
            continue
        if WINDOW in slo.sli.errors or WINDOW in slo.sli.total:
            ctx.report(slo, f"SLO {slo.name}: mac cannot check that the total counts every error of expressions "
                            "with {window}", "check it, then ignore this rule on the SLO")
            continue
        try:
            series_plan(slo)
        except CannotDerive as exc:
            ctx.report(slo, f"SLO {slo.name}: {exc}",
                       "count errors and total from one metric, the total with fewer matchers")
        except ValueError:
            continue  # slo/definition reports what does not parse
