"""Annotations and label values are Go templates Prometheus parses when it loads the rule:
syntax, the template functions of the target Prometheus, variables in scope."""
from ..diagnostics import Severity
from ..formats import gotemplate

RULE = "rule/template"
SEVERITY = Severity.ERROR
HELP = 'Prometheus refuses the rule file; see https://prometheus.io/docs/prometheus/latest/configuration/template_reference/'


def check(ctx):
    version = ctx.config.prometheus
    for group, alert in ctx.alerts():
        texts = []
        if isinstance(alert.labels, tuple):
            texts += [(f"label {k}", v) for k, v in alert.labels]
        if isinstance(alert.annotations, tuple):
            texts += [(f"annotation {k}", v) for k, v in alert.all_annotations().items()]
        for where, text in texts:
            if not isinstance(text, str) or "{{" not in text and "}}" not in text:
                continue
            error = gotemplate.check(text, version)
            if error is not None:
                ctx.report(alert, f"alert {alert.name}: {where}: template error at column {error.offset + 1}: {error}",
                           "Prometheus refuses the rule file; see https://prometheus.io/docs/prometheus/latest/"
                           "configuration/template_reference/", (group,))
