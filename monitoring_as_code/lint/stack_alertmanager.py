"""alertmanager.yml as Alertmanager reads it: one route (and receiver) per severity, severities
that are label values, durations in its grammar, label names in group_by and equal, and
e-mail addresses that are addresses."""
import re

from ..diagnostics import Severity
from ..formats import prometheus as fmt
from ..model.durations import seconds

RULE = "stack/alertmanager"
SEVERITY = Severity.ERROR
HELP = "Alertmanager refuses or misroutes this; see the README's stack.py section"
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\Z")
_SEVERITY = re.compile(r"[a-z][a-z0-9_-]*\Z")


def check(ctx):
    stack = ctx.defs.stack
    if stack is None:
        return
    am = stack.alertmanager
    first = {}
    routes = am.routes if isinstance(am.routes, (tuple, list)) else ()
    if not routes:
        ctx.report(am, "Alertmanager has no routes", "keep DEFAULT_ROUTES or list Route(...) objects")
    for route in routes:
        if not hasattr(route, "severity"):
            continue  # model/type reports it
        if not isinstance(route.severity, str) or not _SEVERITY.match(route.severity):
            ctx.report(route, f"Route severity {route.severity!r} is not a plain severity value",
                       "write critical, warning or info")
        elif route.severity in first:
            ctx.report(route, f"Route for severity {route.severity!r} is already defined at {first[route.severity]}",
                       "one route (and receiver) per severity")
        else:
            first[route.severity] = route.source
        for name in ("group_wait", "group_interval", "repeat_interval"):
            value = getattr(route, name)
            reason = fmt.duration(value)
            if reason is None and name != "group_wait" and seconds(value) <= 0:
                reason = "is zero"
            if reason:
                ctx.report(route, f"Route {route.severity!r}: {name} {value!r} {reason}")
    for name in ("group_by", "inhibit_equal"):
        for label in getattr(am, name) if isinstance(getattr(am, name), (tuple, list)) else ():
            reason = fmt.label_name(label)
            if reason and label != "...":
                ctx.report(am, f"Alertmanager {name} entry {label!r} {reason}")
    email = am.email
    if email is not None:
        for name in ("to", "sender", "username"):
            value = getattr(email, name)
            if name == "username" and isinstance(value, str) and "@" not in value and value and value.isprintable():
                continue  # relays also take plain user names
            addresses = value.split(",") if name == "to" and isinstance(value, str) else [value]
            for address in addresses:
                if not isinstance(address, str) or not _ADDRESS.match(address.strip()):
                    ctx.report(email, f"Email {name} {value!r} is not an e-mail address",
                               "write an address such as oncall@example.com")
                    break
        if not isinstance(email.require_tls, bool):
            ctx.report(email, f"Email require_tls {email.require_tls!r} is not True or False")
