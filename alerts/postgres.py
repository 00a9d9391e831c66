"""PostgreSQL alerts from postgres_exporter (job "postgres")."""
from monitoring_as_code import AlertRule, RuleGroup

from alerts.common import runbook

postgresql_down = AlertRule(
    name="PostgreSQLDown",
    # pg_up is 1 when the exporter can query PostgreSQL; `< 1` reads as "not up" and gives
    # the dashboard's status panel its red/green boundary.
    expr='pg_up{job="postgres"} < 1',
    for_="1m",
    severity="critical",
    summary="PostgreSQL is down on {{ $labels.instance }}",
    description="postgres_exporter on {{ $labels.instance }} cannot reach PostgreSQL (pg_up = {{ $value }}).",
    runbook_url=runbook("PostgreSQLDown"),
)

too_many_db_connections = AlertRule(
    name="TooManyDBConnections",
    expr='sum by (instance) (pg_stat_database_numbackends{job="postgres"}) > 80',
    for_="5m",
    severity="warning",
    summary="Too many PostgreSQL connections on {{ $labels.instance }}",
    description="{{ $value | humanize }} connections open on {{ $labels.instance }} (more than 80 for 5 minutes).",
    runbook_url=runbook("TooManyDBConnections"),
)

postgres = RuleGroup("postgres", [postgresql_down, too_many_db_connections])
