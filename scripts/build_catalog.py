"""Regenerate monitoring_as_code/catalog/exporters.json from the real exporters.

Starts, on 127.0.0.1, node_exporter, PostgreSQL with postgres_exporter, Redis with
redis_exporter, nginx with nginx-prometheus-exporter, and Prometheus itself (Debian's
packages), reads each /metrics, and records every metric name with its type and source.

    .venv/bin/python scripts/build_catalog.py [--out FILE]   (as root, or a user who may run them)"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback import Stack, metrics_text  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "monitoring_as_code", "catalog", "exporters.json")
PACKAGES = ["prometheus", "prometheus-node-exporter", "prometheus-postgres-exporter", "prometheus-redis-exporter",
            "prometheus-nginx-exporter"]
_TYPE = re.compile(r"^# TYPE (\S+) (\S+)")
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)")
# Series Prometheus itself writes, which no /metrics page lists.
SYNTHETIC = {"up": "gauge", "scrape_duration_seconds": "gauge", "scrape_samples_scraped": "gauge",
             "scrape_samples_post_metric_relabeling": "gauge", "scrape_series_added": "gauge",
             "ALERTS": "gauge", "ALERTS_FOR_STATE": "gauge"}


def parse(text: str):
    """{metric name: type} from the text exposition format; histogram and summary parts
    (_bucket, _sum, _count) are listed under their own names as counters."""
    types, names = {}, {}
    for line in text.splitlines():
        match = _TYPE.match(line)
        if match:
            types[match.group(1)] = match.group(2)
            continue
        if line.startswith("#") or not line.strip():
            continue
        name = _SAMPLE.match(line).group(1)
        family = next((name[: -len(s)] for s in ("_bucket", "_sum", "_count") if name.endswith(s)
                       and types.get(name[: -len(s)]) in ("histogram", "summary")), None)
        if family is not None:
            names[name] = "counter"
            names.setdefault(family, types[family])
        else:
            names[name] = types.get(name, "untyped")
    return names


def version(package: str) -> str:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def main() -> None:
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else OUT
    catalog = {}
    with Stack() as stack:
        sources = {
            "node_exporter": stack.node_exporter(),
            "postgres_exporter": stack.postgres_exporter(stack.postgres()),
            "redis_exporter": stack.redis_exporter(stack.redis()),
            "nginx_exporter": stack.nginx_exporter(stack.nginx()),
            "prometheus": stack.prometheus("global: {scrape_interval: 15s}\n"),
        }
        for source, port in sources.items():
            text = metrics_text(port)
            if source == "postgres_exporter" and "pg_stat_database_numbackends" not in text:
                raise SystemExit("postgres_exporter did not reach PostgreSQL:\n" + text[:2000])
            for name, kind in parse(text).items():
                catalog.setdefault(name, {"type": kind, "source": source})
    for name, kind in SYNTHETIC.items():
        catalog.setdefault(name, {"type": kind, "source": "prometheus"})
    data = {"generated_by": "scripts/build_catalog.py",
            "versions": {p: version(p) for p in PACKAGES},
            "metrics": dict(sorted(catalog.items()))}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(catalog)} metrics to {out}")


if __name__ == "__main__":
    main()
