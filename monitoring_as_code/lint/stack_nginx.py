"""Every value written into nginx/monitoring.conf is one plain token of its kind: a smuggled
`;` or space would add directives (`x; allow all`) that `nginx -t` accepts."""
from ..diagnostics import Severity
from ..formats import nginx

RULE = "stack/nginx"
SEVERITY = Severity.ERROR
HELP = 'nginx values are single tokens: host:port, absolute paths, IP addresses or networks'


def check(ctx):
    stack = ctx.defs.stack
    if stack is None:
        return
    n = stack.nginx
    values = [("grafana_upstream", n.grafana_upstream, nginx.upstream, "write host:port, such as 127.0.0.1:3000"),
              ("prometheus_upstream", n.prometheus_upstream, nginx.upstream, "write host:port, such as 127.0.0.1:9090"),
              ("metrics_upstream", n.metrics_upstream, nginx.upstream, "write host:port, such as 127.0.0.1:8000"),
              ("htpasswd_file", n.htpasswd_file, nginx.file_path, "write an absolute path such as /etc/nginx/prometheus.htpasswd")]
    for name, value, reason_of, help in values:
        reason = reason_of(value)
        if reason:
            ctx.report(n, f"Nginx {name} {value!r} {reason}", help)
    allow = n.metrics_allow
    if isinstance(allow, (tuple, list)):
        if not allow:
            ctx.report(n, "Nginx metrics_allow is empty: /metrics would answer no one",
                       'list the addresses that scrape it, such as ["127.0.0.1"]')
        for entry in allow:
            reason = nginx.allow_entry(entry, n.metrics_allow_all is True)
            if reason:
                ctx.report(n, f"Nginx metrics_allow entry {entry!r} {reason}",
                           "write IP addresses or networks such as 10.0.0.0/8")
    path = stack.prometheus_external_path
    reason = nginx.url_path(path)
    if reason:
        ctx.report(stack, f"Stack prometheus_external_path {path!r} {reason}", "write a path such as /prometheus/")
