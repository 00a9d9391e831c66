"""SLOs compiled: spec → tiers and windows → recording rules and alerts (this module) → derived
tests (tests.py) → a dashboard per service (dashboard.py).

Recorded series (every one labelled slo="<name>", service="<service>" and the SLO's labels):

  slo:sli_errors:rate<w>        errors per second over window w (for Availability: scrapes down)
  slo:sli_total:rate<w>         events per second over w (Availability: scrapes)
  slo:sli_error:ratio_rate<w>   errors / total over w, for every window an alert needs
  slo:sli_error:ratio_rate<P>   the same over the SLO's period P: the period SLI, exact
                                (sum(increase(errors[P])) / sum(increase(total[P])) is the same
                                ratio as of the rates); chained_period=True averages the 1h
                                ratios instead
  slo:objective:ratio           the objective as a ratio (0.999)
  slo:error_budget:ratio        1 - objective (0.001)
  slo:error_budget_remaining:ratio  1 - period error ratio / budget (1: untouched, 0: spent)

Alerts: one per tier, `<Name>BurnRate<long>`, firing when the burn rate (error ratio / budget)
exceeds the tier's factor over its long and its short window."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

import promql_parser as pp

from ..model.durations import is_duration, seconds
from ..model.rules import AlertRule, RecordingRule, RuleGroup
from ..model.slo import SLO, WORKBOOK, WORKBOOK_PERIOD, Availability, BurnRate, Latency, Ratio, Tier

WINDOW = "{window}"
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def own_series(slo: SLO) -> str:
    """The matcher of the SLO's recorded series, its name quoted as PromQL reads it."""
    from ..promql import quoted

    return f"{{slo={quoted(slo.name)}}}"


def _is_selector(text) -> bool:
    try:
        return isinstance(text, str) and isinstance(pp.parse(text), pp.VectorSelector)
    except (ValueError, TypeError):
        return False


def window_name(total: float) -> str:
    """A window as PromQL writes it, in its largest whole unit up to days (30d, 6h, 5m)."""
    total = int(round(total))
    for unit, size in _UNITS:
        if total % size == 0:
            return f"{total // size}{unit}"
    return f"{total}s"


def number(value: float) -> str:
    return repr(int(value)) if float(value).is_integer() else repr(round(float(value), 12))


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def tiers(slo: SLO) -> List[Tier]:
    """The SLO's tiers: its own, or the workbook's, windows scaled to its period (a 28-day
    period gets 56-minute and 4.7-minute windows for the first tier, in whole minutes)."""
    spec = slo.alerts if isinstance(slo.alerts, BurnRate) else BurnRate()
    if spec.tiers:
        out = []
        for t in spec.tiers:
            if isinstance(t, Tier):
                out.append(t)
            else:
                factor, long, short, severity = t
                out.append(Tier(float(factor), long, short, severity,
                                "page" if severity == spec.page_severity else "ticket"))
        return out
    scale = seconds(slo.period) / seconds(WORKBOOK_PERIOD)
    out = []
    for factor, long, short, kind in WORKBOOK:
        if (kind == "page" and not spec.page) or (kind == "ticket" and not spec.ticket):
            continue
        severity = spec.page_severity if kind == "page" else spec.ticket_severity
        out.append(Tier(factor, window_name(max(60, round(seconds(long) * scale / 60) * 60)),
                        window_name(max(60, round(seconds(short) * scale / 60) * 60)), severity, kind))
    return out


def for_of(tier: Tier) -> str:
    """A fifth of the short window, in whole minutes (at least 1m): long enough to ride out
    one evaluation's noise, short next to the time the windows take to agree."""
    return window_name(max(60, (seconds(tier.short) // 5 // 60) * 60))


def problems(slo: SLO) -> List[str]:
    """What makes the SLO impossible to compile (lint's slo/definition reports them)."""
    out = []
    if not isinstance(slo.objective, (int, float)) or isinstance(slo.objective, bool) or not 0 < slo.objective < 100:
        out.append(f"objective {slo.objective!r} is not a percentage strictly between 0 and 100")
    if not isinstance(slo.period, str) or not is_duration(slo.period):
        out.append(f"period {slo.period!r} is not a Prometheus duration")
        return out
    spec = slo.alerts if isinstance(slo.alerts, BurnRate) else BurnRate()
    if not spec.tiers and seconds(slo.period) < 86400:
        out.append(f"period {slo.period} is shorter than 1d: the workbook's windows scaled to it would be a minute "
                   "or less; give your own tiers (BurnRate(tiers=[...]))")
        return out
    for tier in tiers_or_none(slo) or ():
        for name in ("long", "short"):
            value = getattr(tier, name)
            if not isinstance(value, str) or not is_duration(value):
                out.append(f"tier {tier.factor!r}×: {name} window {value!r} is not a Prometheus duration")
        if not out and seconds(tier.short) >= seconds(tier.long):
            out.append(f"tier {tier.factor:g}×: the short window {tier.short} is not shorter than the long {tier.long}")
        if not out and seconds(tier.long) > seconds(slo.period):
            out.append(f"tier {tier.factor:g}×: the long window {tier.long} is longer than the period {slo.period}")
        if not out and not (isinstance(tier.factor, (int, float)) and tier.factor > 0):
            out.append(f"tier {tier.factor!r}: the factor is not a positive number")
    if tiers_or_none(slo) is None:
        out.append("alerts: custom tiers are (factor, long, short, severity) or Tier(...)")
    # What the user wrote is pasted into PromQL only where it is what its place takes: a
    # selector inside rate(…[w]), matchers inside {…}, or a whole expression with {window}.
    if isinstance(slo.sli, Ratio):
        for name in ("errors", "total"):
            text = getattr(slo.sli, name)
            if isinstance(text, str) and WINDOW in text:
                try:
                    pp.parse(text.replace(WINDOW, "5m"))
                except (ValueError, TypeError):
                    out.append(f"sli {name} {text!r} is not PromQL")
            elif not _is_selector(text):
                out.append(f"sli {name} {text!r} is neither a series selector nor an expression with {WINDOW}")
    elif isinstance(slo.sli, Latency):
        inside = slo.sli.selector
        if not (isinstance(slo.sli.histogram, str) and re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", slo.sli.histogram)):
            out.append(f"sli histogram {slo.sli.histogram!r} is not a metric name")
        elif not isinstance(inside, str) or (inside.strip() and not _is_selector(f"{slo.sli.histogram}{{{inside}}}")):
            out.append(f"sli selector {inside!r} is not label matchers (such as job=\"api\")")
        if not isinstance(slo.sli.threshold, (int, float)) or isinstance(slo.sli.threshold, bool):
            out.append(f"sli threshold {slo.sli.threshold!r} is not a number of seconds")
    elif isinstance(slo.sli, Availability):
        if not _is_selector(slo.sli.up_selector):
            out.append(f"sli up_selector {slo.sli.up_selector!r} is not a series selector")
    else:
        out.append("sli is not Ratio(...), Latency(...) or Availability(...)")
    return out


def tiers_or_none(slo: SLO) -> Optional[List[Tier]]:
    try:
        return tiers(slo)
    except (TypeError, ValueError):
        return None


def _selector(text: str, window: str) -> str:
    return f"{text}[{window}]"


def sli_expressions(slo: SLO, window: str) -> Tuple[str, str]:
    """(errors per second, events per second) over `window`, each one series."""
    sli = slo.sli
    if isinstance(sli, Ratio):
        def one(text, errors):
            if WINDOW in text:
                return text.replace(WINDOW, window)
            inner = f"sum(rate({_selector(text, window)}))"
            # No error yet is zero errors, not "no data": the ratio is then 0, not missing.
            return f"({inner} or vector(0))" if errors else inner
        return one(sli.errors, True), one(sli.total, False)
    if isinstance(sli, Latency):
        inside = sli.selector.strip()
        count = f"{sli.histogram}_count{{{inside}}}" if inside else f"{sli.histogram}_count"
        bucket_matchers = ", ".join(m for m in (inside, f'le="{number(sli.threshold)}"') if m)
        bucket = f"{sli.histogram}_bucket{{{bucket_matchers}}}"
        total = f"sum(rate({_selector(count, window)}))"
        return f"({total} - sum(rate({_selector(bucket, window)})))", total
    up = sli.up_selector
    total = f"sum(count_over_time({_selector(up, window)}))"
    return f"({total} - sum(sum_over_time({_selector(up, window)})))", total


@dataclass
class Generated:
    group: RuleGroup
    alerts: List[Tuple[Tier, AlertRule]]
    tiers: List[Tier]
    windows: List[str]


def generated(slo: SLO) -> Generated:
    """The SLO's rule group and alerts, made once: the same objects for the compile and for a
    hand-written AlertTest(alert=slo.alert("1h"))."""
    done = slo.__dict__.get("_generated")
    if done is None:
        done = _generate(slo)
        object.__setattr__(slo, "_generated", done)
    return done


def _labels(slo: SLO) -> dict:
    return {"slo": slo.name, "service": slo.service, **dict(slo.labels)}


def _generate(slo: SLO) -> Generated:
    where = {"source": slo.source}
    own = tiers(slo)
    windows = sorted({w for t in own for w in (t.long, t.short)}, key=seconds)
    labels = _labels(slo)
    match = own_series(slo)
    rules = []
    period = window_name(seconds(slo.period))
    for window in windows + ([period] if not slo.chained_period else []):
        errors, total = sli_expressions(slo, window)
        rules += [RecordingRule(f"slo:sli_errors:rate{window}", errors, labels=labels, **where),
                  RecordingRule(f"slo:sli_total:rate{window}", total, labels=labels, **where),
                  RecordingRule(f"slo:sli_error:ratio_rate{window}",
                                f"slo:sli_errors:rate{window}{match} / slo:sli_total:rate{window}{match}",
                                labels=labels, **where)]
    if slo.chained_period:
        base = "1h" if "1h" in windows else windows[0]
        rules.append(RecordingRule(f"slo:sli_error:ratio_rate{period}",
                                   f"avg_over_time(slo:sli_error:ratio_rate{base}{match}[{period}])",
                                   labels=labels, **where))
    budget = number(slo.budget)
    rules += [
        RecordingRule("slo:objective:ratio", f"vector({number(slo.objective / 100)})", labels=labels, **where),
        RecordingRule("slo:error_budget:ratio", f"vector({budget})", labels=labels, **where),
        RecordingRule("slo:error_budget_remaining:ratio",
                      f"1 - slo:sli_error:ratio_rate{period}{match} / {budget}", labels=labels, **where),
    ]
    alerts = []
    fastest = min(own, key=lambda t: seconds(t.long)) if own else None
    for tier in own:
        name = f"{camel(slo.name)}BurnRate{tier.long}"
        def burn(window):
            return f"slo:sli_error:ratio_rate{window}{match} / {budget}"

        expr = f"{burn(tier.long)} > {number(tier.factor)}\nand\n{burn(tier.short)} > {number(tier.factor)}"
        spent = tier.factor * seconds(tier.long) / seconds(slo.period) * 100
        alert = AlertRule(
            name=name, expr=expr, for_=for_of(tier), severity=tier.severity,
            summary=f"SLO {slo.name}: the error budget burns {number(tier.factor)}× too fast",
            description=(f"Over the last {tier.long} (and {tier.short}) {slo.service} failed "
                         f"{{{{ $value | humanize }}}}× the rate its {number(slo.objective)} % objective allows: "
                         f"{spent:.3g} % of the {slo.period} error budget gone in {tier.long}."),
            labels={"slo": slo.name, "slo_tier": tier.kind, "slo_window": tier.long},
            runbook_url=slo.runbook_url, boundary=False, **where)
        # Where the alert comes from, for its derived tests (tests.py).
        object.__setattr__(alert, "_slo", (slo, tier, tier is fastest))
        rules.append(alert)
        alerts.append((tier, alert))
    group = RuleGroup(f"slo-{slo.name}", rules, **where)
    return Generated(group, alerts, own, windows)


def expand(defs) -> None:
    """Each valid SLO's rule group joins the definitions' groups, its dashboard the
    dashboards (one per service, dashboard.py)."""
    from .dashboard import service_dashboards

    valid = [s for s in defs.slos if not problems(s)]
    defs.groups = tuple(defs.groups) + tuple(generated(s).group for s in valid)
    defs.dashboards = tuple(defs.dashboards) + tuple(service_dashboards(valid))
