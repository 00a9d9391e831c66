"""Helpers shared by the alert definitions (not compiled by itself: it defines no rules)."""

# Where the runbooks live; every alert links to RUNBOOK_BASE_URL + its name.
RUNBOOK_BASE_URL = "https://github.com/example-team/monitoring/blob/main/runbooks/"


def runbook(alert_name: str) -> str:
    return f"{RUNBOOK_BASE_URL}{alert_name}.md"
