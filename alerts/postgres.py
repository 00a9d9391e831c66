"""PostgreSQL alerts from postgres_exporter (job "postgres")."""
from monitoring_as_code import AlertRule, RuleGroup
from monitoring_as_code.testing import (AlertTest, Series, constant, fires, not_firing, pending, quiet, stale, step,
                                        threshold_tests)

from alerts.common import runbook

postgresql_down = AlertRule(
    name="PostgreSQLDown",
    # pg_up is 1 when the exporter can query PostgreSQL; `< 1` reads as "not up" and gives
    # the dashboard's status panel its red/green boundary. When the exporter itself is down,
    # pg_up vanishes: then the scrape's own `up` (0) stands in, so the alert fires either way.
    expr='(pg_up{job="postgres"} or on (instance, job) up{job="postgres"}) < 1',
    for_="1m",
    severity="critical",
    summary="PostgreSQL is down on {{ $labels.instance }}",
    description="PostgreSQL on {{ $labels.instance }} cannot be reached: pg_up, or the exporter's up when it "
                "is down itself, is {{ $value }}.",
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
    AlertTest(
        postgresql_down, "the exporter down (pg_up gone, up 0) pages too",
        series=[Series(f"pg_up{{{PG}}}", constant(1, "2m") + " " + stale()),
                Series(f"up{{{PG}}}", constant(1, "2m") + " " + constant(0, "10m"))],
        expect=[not_firing(between=("0m", "1m")), pending(at="2m"),
                fires(at="3m", labels={"instance": "db-1:9187", "job": "postgres"})],
    ),
]
