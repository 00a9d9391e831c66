"""Service level objectives of the API, from its metric contract (monitoring_as_code/contract.py).

Each SLO compiles to recording rules, four burn-rate alerts (two that page, two that open a
ticket), their derived tests and the "SLOs: api" dashboard. The nine threshold alerts of
api.py, node.py, postgres.py and redis.py stay as they are."""
from monitoring_as_code import SLO, Latency, Ratio

from alerts.common import runbook

api_availability = SLO(
    "api-availability",
    service="api",
    objective=99.9,
    period="30d",
    sli=Ratio(errors='http_requests_total{job="api", status=~"5.."}', total='http_requests_total{job="api"}'),
    description="Requests the API answers without a server error (5xx).",
    runbook_url=runbook("ApiAvailabilityBurnRate"),
)

# 400 ms is not a bucket boundary of http_request_duration_seconds (…, 0.25, 0.5, …): a
# threshold between two boundaries cannot be read from the histogram, so the objective is set
# at the next boundary up, 500 ms.
api_latency = SLO(
    "api-latency",
    service="api",
    objective=99,
    period="30d",
    sli=Latency(histogram="http_request_duration_seconds", threshold=0.5, selector='job="api"'),
    description="Requests the API answers within 500 ms.",
    runbook_url=runbook("ApiLatencyBurnRate"),
)
