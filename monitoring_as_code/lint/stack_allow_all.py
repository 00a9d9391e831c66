"""`metrics_allow=["all"]` (with metrics_allow_all=True) opens /metrics to every address: said
out loud, since the API's metrics name endpoints, jobs and queues."""
from ..diagnostics import Severity

RULE = "stack/allow-all"
SEVERITY = Severity.WARNING
HELP = 'list the scraping addresses instead, unless the server is not reachable from outside'


def check(ctx):
    stack = ctx.defs.stack
    if stack is None or not isinstance(stack.nginx.metrics_allow, (tuple, list)):
        return
    if "all" in stack.nginx.metrics_allow and stack.nginx.metrics_allow_all is True:
        ctx.report(stack.nginx, "Nginx serves /metrics to every address (metrics_allow all)",
                   "list the scraping addresses instead, unless the server is not reachable from outside")
