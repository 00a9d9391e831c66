"""PostgreSQL alerts from postgres_exporter (job "postgres")."""
from monitoring_as_code import AlertRule, RuleGroup
from monitoring_as_code.testing import AlertTest, Series, constant, fires, not_firing, pending, quiet, step, threshold_tests

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

PG = 'instance="db-1:9187", job="postgres"'
tests = [
    *threshold_tests(postgresql_down, "< 1", for_="1m"),
    *threshold_tests(too_many_db_connections, "> 80", for_="5m"),
    AlertTest(
        too_many_db_connections, "connections add up across databases",
        series=[
            Series(f'pg_stat_database_numbackends{{{PG}, datname="app"}}', constant(60, "15m")),
            Series(f'pg_stat_database_numbackends{{{PG}, datname="reports"}}', step(10, 25, at="2m", duration="15m")),
        ],
        expect=[not_firing(between=("0m", "6m")), fires(at="7m", labels={"instance": "db-1:9187"})],
    ),
    AlertTest(
        postgresql_down, "a restart shorter than a minute does not page",
        series=[Series(f"pg_up{{{PG}}}", constant(1, "3m") + " 0 " + constant(1, "6m"))],
        expect=[pending(at="3m"), quiet(between=("4m", "9m"))],
    ),
]
