"""Values written into grafana.ini mean themselves: no line breaks (a new line would be a new
setting or section), no surrounding quotes or blanks, no comment marks, no `$` expansions."""
import re

from ..diagnostics import Severity
from ..formats import ini, nginx
from ..formats.prometheus import host_port

RULE = "stack/grafana-ini"
SEVERITY = Severity.ERROR
_UID = re.compile(r"[A-Za-z0-9_-]{1,40}")
HELP = 'grafana.ini values are one plain line each; keep the default or write a plain value'


def check(ctx):
    stack = ctx.defs.stack
    if stack is None:
        return
    g = stack.grafana
    reason = ini.value(g.root_url, allow_dollar=False)
    if reason is None and isinstance(g.root_url, str):
        reason = _root_url(g.root_url)
    if reason:
        ctx.report(g, f"Grafana root_url {g.root_url!r} {reason}",
                   "write a URL such as https://example.com/grafana/ (or keep the default)")
    for name in ("datasource_name", "datasource_uid", "folder"):
        value = getattr(g, name)
        reason = ini.value(value) or (None if value else "is empty")
        if reason:
            ctx.report(g, f"Grafana {name} {value!r} {reason}")
    if isinstance(g.datasource_uid, str) and not _UID.fullmatch(g.datasource_uid):
        ctx.report(g, f"Grafana datasource_uid {g.datasource_uid!r} is not a Grafana uid (up to 40 letters, digits, - and _)")
    url = g.prometheus_url
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or ini.value(url):
        ctx.report(g, f"Grafana prometheus_url {url!r} is not an http(s) URL", "such as http://127.0.0.1:9090/prometheus")
    for name in ("dashboards_path", "folders_path"):
        reason = nginx.file_path(getattr(g, name))
        if reason:
            ctx.report(g, f"Grafana {name} {getattr(g, name)!r} {reason}")
    if g.dashboards_path == g.folders_path:
        ctx.report(g, f"Grafana dashboards_path and folders_path are both {g.dashboards_path!r}",
                   "give dashboards in folders their own path: a file provider reads its path recursively")
    email = stack.alertmanager.email
    if email is None:
        return
    for name in ("username", "sender"):
        value = getattr(email, name)
        reason = ini.value(value)
        if reason:
            ctx.report(email, f"Email {name} {value!r} {reason}")
    reason = host_port(email.smarthost)
    if reason:
        ctx.report(email, f"Email smarthost {email.smarthost!r} {reason}", "write host:port, such as smtp-relay.brevo.com:587")


def _root_url(value: str):
    # Grafana's own %(protocol)s, %(domain)s and %(http_port)s placeholders are allowed.
    plain = re.sub(r"%\((protocol|domain|http_port)\)s", "x", value)
    if "%" in plain:
        return "holds % outside Grafana's %(protocol)s, %(domain)s and %(http_port)s"
    if not re.fullmatch(r"(https?|x)://[A-Za-z0-9.\-\[\]:x]+(/[A-Za-z0-9._~/-]*)?", plain):
        return "is not an http(s) URL"
    if not plain.endswith("/grafana/"):
        return "does not end in /grafana/, the path Nginx serves Grafana from"
    return None
