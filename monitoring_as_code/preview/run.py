"""What `mac preview` and `mac diff --preview` do, apart from reading their options: compile,
pick a source, draw the pages, shoot the images, and put the folder in place all at once."""
from __future__ import annotations

import os
import time as _time
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from . import Rendered, compiled_dashboards, render, scrape_interval_of
from .assets import load as load_assets
from .timerange import parse_time

README = "README.md"


class PreviewError(Exception):
    """A problem with what was asked (a usage error)."""


@dataclass
class Report:
    out: str
    rendered: Rendered
    images: List[str] = field(default_factory=list)
    console_errors: List[str] = field(default_factory=list)


def now_from_env() -> Optional[float]:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention, as "now" when set."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    return float(value) if value and value.isdigit() else None


def _range(dashboards: Sequence[dict], start_text: Optional[str], end_text: Optional[str], now: float):
    """One window for every dashboard: the options', or else the widest of the dashboards' own."""
    starts, ends = [], []
    for d in dashboards:
        t = d.get("time") or {}
        try:
            starts.append(parse_time(start_text or str(t.get("from", "now-6h")), now))
            ends.append(parse_time(end_text or str(t.get("to", "now")), now))
        except ValueError as exc:
            raise PreviewError(f"{d.get('uid')}: {exc}") from None
    if not starts:
        start, end = parse_time(start_text or "now-6h", now), parse_time(end_text or "now", now)
    else:
        start, end = min(starts), max(ends)
    if start >= end:
        raise PreviewError(f"the time range is empty: {start_text or 'from'} is not before {end_text or 'to'}")
    return start, end


def _range_text(start_text, end_text, dashboards, start, end) -> str:
    import datetime as dt

    def stamp(t):
        return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    own = (dashboards[0].get("time") or {}) if dashboards else {}
    given, until = start_text or own.get("from", "now-6h"), end_text or own.get("to", "now")
    return f"{given} to {until} ({stamp(start)} to {stamp(end)})"


def source_for(result, dashboards, start, end, prometheus: Optional[str], demo: bool):
    if bool(prometheus) == bool(demo):
        raise PreviewError("give --prometheus URL to draw real data, or --demo to draw synthetic data")
    if prometheus:
        from .sources import Prometheus, QueryError

        source = Prometheus(prometheus)
        try:
            source.check()
        except QueryError as exc:
            raise PreviewError(f"--prometheus {prometheus}: {exc}") from None
        return source
    from ..catalog import catalog
    from . import scrape_interval_of
    from .demo import Demo

    return Demo(result.definitions, result.files, dashboards, start, end, catalog(result.definitions),
                scrape_interval_of(result.definitions))


def draw(result, source_args: dict, start_text=None, end_text=None, uids: Sequence[str] = (), now: Optional[float] = None):
    """The rendered pages of a compile result's dashboards."""
    now = now if now is not None else (now_from_env() or _time.time())
    try:
        dashboards = compiled_dashboards(result.files, uids)
    except KeyError as exc:
        raise PreviewError(f"no dashboard with uid {exc.args[0]}") from None
    start, end = _range(dashboards, start_text, end_text, now)
    source = source_for(result, dashboards, start, end, **source_args)
    assets = load_assets(None)
    return render(dashboards, result.definitions, source, start, end, assets,
                  _range_text(start_text, end_text, dashboards, start, end), scrape_interval_of(result.definitions))


def write(out: str, rendered: Rendered, png: bool) -> Report:
    """Stage the pages (and images), then swap the folder in; the images are taken from the
    staged pages, so a failure leaves the previous preview as it was."""
    from ..write import MARKER_TEXT, Staging

    report = Report(out=out, rendered=rendered)
    with Staging(out) as staging:
        files = dict(rendered.files)
        files[README] = (f"{MARKER_TEXT} (monitoring_as_code) by `mac preview`. Do not edit: run `mac preview` again. -->\n"
                         "# Dashboard previews\n\nOpen index.html. Generated; replaced as a whole by each run.\n").encode()
        staging.write(files)
        if png:
            from .screenshots import shoot

            images, errors = shoot(staging.path, rendered.pages, rendered.panels)
            staging.write(images)
            report.images = sorted(images)
            report.console_errors = errors
        staging.commit()
    return report
