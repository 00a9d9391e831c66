"""[tool.mac] in the source tree's pyproject.toml: what to lint and how."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Tuple

try:  # the compiled tomli wheel is several times faster than the stdlib's tomllib
    import tomli as tomllib
except ImportError:
    import tomllib

from .. import diagnostics as diag
from ..dialect import DEFAULT as DEFAULT_PROMETHEUS
from ..dialect import valid_version
from ..model.durations import is_duration, seconds
from ..source import Source, display_path


@dataclass(frozen=True)
class Config:
    disable: FrozenSet[str] = frozenset()
    enable: FrozenSet[str] = frozenset()  # optional rules to run (alert/name-style)
    scrape_interval: float = 15.0
    metrics: Dict[str, str] = field(default_factory=dict)  # extra catalog entries: name → type
    path: str = ""
    # The Prometheus the output is for: its PromQL functions, syntax and template functions.
    prometheus: str = DEFAULT_PROMETHEUS
    # test/boundary: an alert mac cannot derive tests for is a warning, or an error when set
    # (or with --strict).
    require_tests: bool = False
    # The Grafana the dashboards are for: "11" classic JSON, "12" the classic model in a
    # dashboard.grafana.app/v1beta1 resource, "13" the v2 schema in a dashboard.grafana.app/v2
    # resource (emit/grafana_target.py). Only the emitted form changes.
    grafana: str = "11"
    # Every alert also as a Grafana-managed rule (emit/grafana_alerting.py).
    grafana_alerting: bool = False
    # More outputs beside the host's files: "kubernetes" (emit/kubernetes.py).
    targets: Tuple[str, ...] = ()
    problems: Tuple[diag.Diagnostic, ...] = ()


def _line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(key):
            return number
    return 1


METRIC_TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
GRAFANA_VERSIONS = ("11", "12", "13")
TARGETS = ("kubernetes",)


def load_config(src: str) -> Config:
    """[tool.mac], every value checked: a wrong one is a problem at its line of pyproject.toml."""
    path = os.path.join(src, "pyproject.toml")
    if not os.path.exists(path):
        return Config()
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8", "replace")
    shown = display_path(path)
    problems = []

    def problem(key, message, help=""):
        problems.append(diag.error(Source(shown, _line(text, key)), "config/value", message, help))

    try:
        table = tomllib.loads(text).get("tool", {}).get("mac", {})
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or 1
        problems.append(diag.error(Source(shown, line), "config/syntax", f"pyproject.toml is not valid TOML: {exc}"))
        return Config(path=path, problems=tuple(problems))
    if not isinstance(table, dict):
        problem("[tool", "[tool.mac] is not a table")
        return Config(path=path, problems=tuple(problems))
    disable = table.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(r, str) for r in disable):
        problem("disable", "[tool.mac] disable is not a list of rule ids", 'write disable = ["panel/unit"]')
        disable = ()
    enable = table.get("enable", [])
    if not isinstance(enable, list) or not all(isinstance(r, str) for r in enable):
        problem("enable", "[tool.mac] enable is not a list of rule ids", 'write enable = ["alert/name-style"]')
        enable = []
    interval = table.get("scrape_interval", "15s")
    if not isinstance(interval, str) or not is_duration(interval) or seconds(interval) <= 0:
        problem("scrape_interval", f"[tool.mac] scrape_interval {interval!r} is not a Prometheus duration",
                'write scrape_interval = "15s"')
        interval = "15s"
    metrics = table.get("metrics", {})
    if not isinstance(metrics, dict):
        problem("[tool.mac.metrics]", "[tool.mac.metrics] is not a table of metric = type")
        metrics = {}
    for name, kind in metrics.items():
        if kind not in METRIC_TYPES:
            problem(name, f"[tool.mac.metrics] {name}: type {kind!r} is not one of {', '.join(METRIC_TYPES)}")
    version = table.get("prometheus", DEFAULT_PROMETHEUS)
    if not valid_version(version):
        problem("prometheus", f"[tool.mac] prometheus {version!r} is not a Prometheus version from 2.42 on",
                'write prometheus = "2.42" (Debian 12\'s) or the version you run, such as "2.53"')
        version = DEFAULT_PROMETHEUS
    require_tests = table.get("require_tests", False)
    if not isinstance(require_tests, bool):
        problem("require_tests", f"[tool.mac] require_tests {require_tests!r} is not true or false")
        require_tests = False
    grafana = table.get("grafana", "11")
    if grafana not in GRAFANA_VERSIONS:
        problem("grafana", f"[tool.mac] grafana {grafana!r} is not one of " + ", ".join(f'"{v}"' for v in GRAFANA_VERSIONS),
                'write grafana = "11" (classic JSON), "12" (v1beta1 resources) or "13" (v2 resources), as a string')
        grafana = "11"
    grafana_alerting = table.get("grafana_alerting", False)
    if not isinstance(grafana_alerting, bool):
        problem("grafana_alerting", f"[tool.mac] grafana_alerting {grafana_alerting!r} is not true or false")
        grafana_alerting = False
    targets = table.get("targets", [])
    if not isinstance(targets, list) or any(t not in TARGETS for t in targets):
        problem("targets", f"[tool.mac] targets {targets!r} is not a list of " + ", ".join(f'"{t}"' for t in TARGETS),
                'write targets = ["kubernetes"] for build/kubernetes/, or leave it out')
        targets = []
    return Config(
        grafana=grafana,
        grafana_alerting=grafana_alerting,
        targets=tuple(sorted(set(targets))),
        require_tests=require_tests,
        disable=frozenset(disable),
        enable=frozenset(enable),
        scrape_interval=seconds(interval),
        metrics={str(k): str(v) for k, v in metrics.items()},
        path=path,
        prometheus=version,
        problems=tuple(problems),
    )
