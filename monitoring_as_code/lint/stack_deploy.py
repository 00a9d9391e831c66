"""Where `mac deploy` writes and whom it asks: every Host() path absolute (a relative one would
land wherever mac happens to run), every URL an http(s) URL with a host, every Reload either a
URL or a command, and the Kubernetes namespace a valid namespace name."""
import re
import urllib.parse

from ..diagnostics import Severity

RULE = "stack/deploy"
SEVERITY = Severity.ERROR
HELP = "see the README's Deploying section for Host() and Kubernetes()"
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")  # a DNS-1123 label
# Kubernetes label keys ([prefix/]name) and values, as the API server checks them.
_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$")
_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _label_key_problem(key) -> str:
    if not isinstance(key, str):
        return "is not a string"
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _PREFIX.match(prefix)):
        return "has a prefix that is not a DNS subdomain"
    if not name or len(name) > 63 or not _NAME.match(name):
        return "is not a label name (letters, digits, '-', '_', '.', at most 63, starting and ending alphanumeric)"
    return ""


def _label_value_problem(value) -> str:
    if not isinstance(value, str):
        return "is not a string"
    if value and (len(value) > 63 or not _NAME.match(value)):
        return "is not a label value (letters, digits, '-', '_', '.', at most 63, starting and ending alphanumeric)"
    return ""


def _url_problem(value) -> str:
    if not isinstance(value, str):
        return "is not a string"
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http(s) URL with a host"
    if parts.query or parts.fragment:
        return "has a query or fragment: mac appends API paths to it"
    return ""


def check(ctx):
    stack = ctx.defs.stack
    if stack is None:
        return
    host = stack.deploy
    for name in ("prometheus_dir", "alertmanager_config", "grafana_provisioning", "nginx_snippets", "state_dir"):
        value = getattr(host, name)
        if not isinstance(value, str) or not value.startswith("/") or "\0" in value:
            ctx.report(host, f"Host {name} {value!r} is not an absolute path", "write it from the root, such as /etc/prometheus")
    for name in ("prometheus_url", "alertmanager_url", "nginx_url"):
        problem = _url_problem(getattr(host, name))
        if problem:
            ctx.report(host, f"Host {name} {getattr(host, name)!r} {problem}", "write it as http://127.0.0.1:9090/prometheus")
    for name in ("prometheus_reload", "alertmanager_reload", "nginx_reload", "grafana_reload"):
        reload = getattr(host, name)
        if reload is None:
            continue
        if bool(reload.url) == bool(reload.argv):
            ctx.report(reload, f"Host {name} needs a URL or a command, one of the two",
                       'write Reload.http("http://…/-/reload") or Reload.command("nginx", "-s", "reload")')
        elif reload.url and _url_problem(reload.url):
            ctx.report(reload, f"Host {name} {reload.url!r} {_url_problem(reload.url)}", HELP)
    if not isinstance(host.verify_timeout, (int, float)) or not 0 < host.verify_timeout <= 3600:
        ctx.report(host, f"Host verify_timeout {host.verify_timeout!r} is not a number of seconds from 0 to 3600", HELP)
    k8s = stack.kubernetes
    pairs = [(f"{name} key", k, _label_key_problem(k)) for name in ("labels", "rule_labels", "instance_selector")
             for k in dict(getattr(k8s, name))]
    pairs += [(f"{name} value", v, _label_value_problem(v)) for name in ("labels", "rule_labels", "instance_selector")
              for v in dict(getattr(k8s, name)).values()]
    if isinstance(k8s.sidecar_label, tuple) and len(k8s.sidecar_label) == 2:
        pairs += [("sidecar_label key", k8s.sidecar_label[0], _label_key_problem(k8s.sidecar_label[0])),
                  ("sidecar_label value", k8s.sidecar_label[1], _label_value_problem(k8s.sidecar_label[1]))]
    else:
        pairs.append(("sidecar_label", k8s.sidecar_label, "is not a (key, value) pair"))
    pairs.append(("sidecar_folder_annotation", k8s.sidecar_folder_annotation,
                  _label_key_problem(k8s.sidecar_folder_annotation)))
    for what, value, problem in pairs:
        if problem:
            ctx.report(k8s, f"Kubernetes {what} {value!r} {problem}", HELP)
    namespace = stack.kubernetes.namespace
    if not isinstance(namespace, str) or not _NAMESPACE.match(namespace) or len(namespace) > 63:
        ctx.report(stack.kubernetes, f"Kubernetes namespace {namespace!r} is not a namespace name",
                   "lowercase letters, digits and '-', at most 63, such as monitoring")
