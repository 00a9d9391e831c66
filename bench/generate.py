"""A synthetic monitoring repository for benchmarks, from a fixed seed.

    python bench/generate.py OUT --alerts 1000 [--dashboards 0 --panels 20]

Alerts come in the shapes real rules have (a gauge threshold, a ratio of two gauges, a
counter rate, a histogram quantile), 20 per module, each with a `for`."""
from __future__ import annotations

import argparse
import os
import random
import textwrap

SHAPES = (
    ('sum by (instance) (gen_queue_{i}{{job="gen"}}) > {x}', lambda r: r.choice((50, 100, 200, 500))),
    ('(gen_avail_{i}_bytes{{job="gen"}} / gen_size_{i}_bytes{{job="gen"}}) * 100 < {x}', lambda r: r.choice((10, 15, 20))),
    ('sum by (job) (rate(gen_requests_{i}_total{{job="gen", status=~"5.."}}[5m])) > {x}',
     lambda r: r.choice((0.1, 0.5, 1, 5))),
    ('histogram_quantile(0.95, sum by (le) (rate(gen_latency_{i}_seconds_bucket{{job="gen"}}[5m]))) > {x}',
     lambda r: r.choice((0.25, 0.5, 1, 2.5))),
)


def alert_module(start: int, count: int, rng: random.Random) -> str:
    lines = ["from monitoring_as_code import AlertRule, RuleGroup", "", "rules = []"]
    for i in range(start, start + count):
        template, threshold = SHAPES[i % len(SHAPES)]
        expr = template.format(i=i, x=threshold(rng))
        lines.append(textwrap.dedent(f"""\
            rules.append(AlertRule(
                name="Generated{i:05d}",
                expr='{expr}',
                for_="{rng.choice(('1m', '5m', '10m'))}",
                severity="{rng.choice(('warning', 'critical'))}",
                summary="generated alert {i}",
                description="value {{{{ $value }}}}",
                runbook_url="https://runbooks.example.org/Generated{i:05d}",
            ))"""))
    lines.append(f'group = RuleGroup("generated-{start:05d}", rules)')
    return "\n".join(lines) + "\n"


KINDS = ("TimeSeries", "Stat", "Gauge", "BarGauge", "TimeSeries")
UNITS = ("short", "percent", "s", "bytes")


def dashboard_spec(index: int, panels: int, seed: int = 42) -> list:
    """The panels of one generated dashboard, as neutral data every generator builds from."""
    rng = random.Random(seed * 1_000_003 + index)
    spec = []
    for p in range(panels):
        metric = f"gen_metric_{index}_{p}"
        expr = (f'sum by (instance) (rate({metric}_total{{job="gen", instance=~"$instance"}}[$__rate_interval]))'
                if p % 2 else f'avg by (instance) ({metric}{{job="gen", instance=~"$instance"}})')
        spec.append({"kind": KINDS[p % len(KINDS)], "title": f"Panel {p}", "expr": expr,
                     "legend": "{{instance}}", "unit": rng.choice(UNITS), "description": f"generated panel {p}"})
    return spec


def dashboard_module(index: int, panels: int, seed: int = 42) -> str:
    body = [f'        {p["kind"]}("{p["title"]}", queries=[Query(\'{p["expr"]}\', legend="{p["legend"]}")], '
            f'unit="{p["unit"]}", description="{p["description"]}"),' for p in dashboard_spec(index, panels, seed)]
    return "\n".join([
        "from monitoring_as_code import BarGauge, Dashboard, Gauge, InstanceVariable, Query, Stat, TimeSeries",
        "",
        f'dashboard = Dashboard(title="Generated {index}", uid="gen-{index:05d}", tags=["generated"],',
        '    variables=[InstanceVariable(job="gen")], panels=[',
        *body,
        "])",
    ]) + "\n"


def catalog_entries(alerts: int, dashboards: int, panels: int) -> str:
    """[tool.mac.metrics] for the invented metric names, so lint knows them."""
    lines = ["[tool.mac.metrics]"]
    for i in range(alerts):
        kind = i % len(SHAPES)
        if kind == 0:
            lines.append(f'gen_queue_{i} = "gauge"')
        elif kind == 1:
            lines += [f'gen_avail_{i}_bytes = "gauge"', f'gen_size_{i}_bytes = "gauge"']
        elif kind == 2:
            lines.append(f'gen_requests_{i}_total = "counter"')
        else:
            lines.append(f'gen_latency_{i}_seconds_bucket = "counter"')
    for index in range(dashboards):
        for p in range(panels):
            lines.append(f'gen_metric_{index}_{p}_total = "counter"' if p % 2 else f'gen_metric_{index}_{p} = "gauge"')
    return "\n".join(lines) + "\n"


def generate(out: str, alerts: int, dashboards: int = 0, panels: int = 20, seed: int = 42) -> None:
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "pyproject.toml"), "w") as f:
        f.write(catalog_entries(alerts, dashboards, panels))
    for package in ("alerts", "dashboards"):
        os.makedirs(os.path.join(out, package), exist_ok=True)
    for start in range(0, alerts, 20):
        with open(os.path.join(out, "alerts", f"gen_{start:05d}.py"), "w") as f:
            f.write(alert_module(start, min(20, alerts - start), rng))
    for index in range(dashboards):
        with open(os.path.join(out, "dashboards", f"gen_{index:05d}.py"), "w") as f:
            f.write(dashboard_module(index, panels, seed))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--dashboards", type=int, default=0)
    parser.add_argument("--panels", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    generate(args.out, args.alerts, args.dashboards, args.panels, args.seed)
