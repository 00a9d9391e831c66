"""build/prometheus/prometheus.yml: intervals, the compiled rule files, Alertmanager, one scrape config per job."""
from __future__ import annotations

from typing import Dict

from .yamlout import dump


def config_data(stack, rule_files) -> dict:
    data = {
        "global": {"scrape_interval": stack.scrape_interval, "evaluation_interval": stack.evaluation_interval,
                   "scrape_timeout": stack.scrape_timeout},
        # Relative paths resolve against this file's folder: deploy build/prometheus/ as a whole.
        "rule_files": list(rule_files),
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": list(stack.alertmanager.targets)}]}]},
        "scrape_configs": [],
    }
    for job in stack.jobs:
        config = {"job_name": job.name}
        if job.scrape_interval:
            config["scrape_interval"] = job.scrape_interval
        if job.metrics_path != "/metrics":
            config["metrics_path"] = job.metrics_path
        if job.scheme != "http":
            config["scheme"] = job.scheme
        config["static_configs"] = [{"targets": list(job.targets)}]
        data["scrape_configs"].append(config)
    return data


def emit(defs, files: Dict[str, bytes]) -> Dict[str, bytes]:
    if defs.stack is None:
        return {}
    rule_files = sorted(rel.split("/", 1)[1] for rel in files
                        if rel.startswith("prometheus/") and rel.count("/") == 1 and rel.endswith("_rules.yml"))
    return {"prometheus/prometheus.yml": dump(config_data(defs.stack, rule_files), "stack.py")}
