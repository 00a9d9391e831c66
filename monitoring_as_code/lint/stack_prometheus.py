"""prometheus.yml as Prometheus reads it: job names unique, targets host:port, durations in
its grammar, the scrape timeout not above the interval it belongs to."""
import re

from ..diagnostics import Severity
from ..formats import prometheus as fmt
from ..model.durations import is_duration, seconds

RULE = "stack/prometheus"
SEVERITY = Severity.ERROR
HELP = "Prometheus refuses this prometheus.yml; see the README's stack.py section"
_PATH = re.compile(r"/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*\Z")


def check(ctx):
    stack = ctx.defs.stack
    if stack is None:
        return
    for name in ("scrape_interval", "evaluation_interval", "scrape_timeout"):
        value = getattr(stack, name)
        reason = fmt.duration(value)
        if reason is None and seconds(value) <= 0:
            reason = "is zero"
        if reason:
            ctx.report(stack, f"Stack {name} {value!r} {reason}", "write a duration such as 15s")
    if _ok(stack.scrape_timeout) and _ok(stack.scrape_interval) and seconds(stack.scrape_timeout) > seconds(stack.scrape_interval):
        ctx.report(stack, f"Stack scrape_timeout {stack.scrape_timeout} is longer than scrape_interval "
                          f"{stack.scrape_interval}", "Prometheus refuses a timeout above the interval")
    first = {}
    for job in stack.jobs:
        if not hasattr(job, "name"):
            continue  # model/type reports it
        if not isinstance(job.name, str) or not job.name or any(c in job.name for c in "\r\n\x00"):
            ctx.report(job, f"ScrapeJob name {job.name!r} is not a job name", "name the job, such as node")
        elif job.name in first:
            ctx.report(job, f"ScrapeJob {job.name!r} is already defined at {first[job.name]}",
                       "Prometheus refuses two scrape configs with one job_name")
        else:
            first[job.name] = job.source
        if isinstance(job.targets, (tuple, list)):
            if not job.targets:
                ctx.report(job, f"ScrapeJob {job.name!r} has no targets")
            for target in job.targets:
                reason = fmt.host_port(target)
                if reason:
                    ctx.report(job, f"ScrapeJob {job.name!r}: target {target!r} {reason}",
                               "write host:port, such as 127.0.0.1:9100")
        if not isinstance(job.metrics_path, str) or not _PATH.match(job.metrics_path):
            ctx.report(job, f"ScrapeJob {job.name!r}: metrics_path {job.metrics_path!r} is not a URL path",
                       "write a path such as /metrics")
        if job.scheme not in ("http", "https"):
            ctx.report(job, f"ScrapeJob {job.name!r}: scheme {job.scheme!r} is not http or https")
        if job.scrape_interval is not None:
            reason = fmt.duration(job.scrape_interval)
            if reason:
                ctx.report(job, f"ScrapeJob {job.name!r}: scrape_interval {job.scrape_interval!r} {reason}")
            elif seconds(job.scrape_interval) <= 0:
                ctx.report(job, f"ScrapeJob {job.name!r}: scrape_interval is zero")
            elif _ok(stack.scrape_timeout) and seconds(stack.scrape_timeout) > seconds(job.scrape_interval):
                ctx.report(job, f"ScrapeJob {job.name!r}: scrape_interval {job.scrape_interval} is shorter than "
                                f"the scrape_timeout {stack.scrape_timeout}",
                           "Prometheus refuses a timeout above the interval")
    targets = stack.alertmanager.targets
    if isinstance(targets, (tuple, list)):
        for target in targets:
            reason = fmt.host_port(target)
            if reason:
                ctx.report(stack.alertmanager, f"Alertmanager target {target!r} {reason}",
                           "write host:port, such as 127.0.0.1:9093")


def _ok(value) -> bool:
    return isinstance(value, str) and is_duration(value)
