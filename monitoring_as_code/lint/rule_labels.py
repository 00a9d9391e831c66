"""Labels and annotations Prometheus loads as written: names in its grammar, string values,
and one severity: `severity=` is the single source; a `severity` label that says otherwise
is an error (it would silently win over, or lose to, the other)."""
from ..diagnostics import Severity
from ..formats import prometheus as fmt
from ..model import AlertRule, RecordingRule

RULE = "rule/labels"
SEVERITY = Severity.ERROR
HELP = 'label and annotation names are letters, digits and _ (not starting with a digit); values are strings'


def check(ctx):
    for group in ctx.defs.groups:
        for rule in group.rules:
            if not isinstance(rule, (AlertRule, RecordingRule)):
                continue
            where = f"{rule.kind} {rule.name}"
            if isinstance(rule, RecordingRule):
                reason = fmt.metric_name(rule.record)
                if reason:
                    ctx.report(rule, f"{where}: record {rule.record!r} {reason}",
                               "name recorded series level:metric:operation, such as job:http_requests:rate5m",
                               (group,))
            pairs = [("label", rule.labels)]
            if isinstance(rule, AlertRule):
                pairs.append(("annotation", rule.annotations))
            for kind, items in pairs:
                if not isinstance(items, tuple):
                    continue  # model/type reports it
                for name, value in items:
                    reason = (fmt.user_label_name if kind == "label" else fmt.label_name)(name)
                    if reason:
                        ctx.report(rule, f"{where}: {kind} name {name!r} {reason}", "", (group,))
                    if not isinstance(value, str):
                        ctx.report(rule, f"{where}: {kind} {name} is a {type(value).__name__}, not a string",
                                   "write the value as a string", (group,))
            if isinstance(rule, AlertRule) and isinstance(rule.labels, tuple):
                given = dict(rule.labels).get("severity")
                if given is not None and given != rule.severity:
                    ctx.report(rule, f"{where}: labels say severity {given!r}, severity= says {rule.severity!r}",
                               "set the severity once, with severity=", (group,))
