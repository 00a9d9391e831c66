"""PostgreSQL: availability, connections, throughput and cache (postgres_exporter, job "postgres")."""
from monitoring_as_code import Dashboard, Query, Row, Stat, TimeSeries

from alerts.postgres import postgresql_down, too_many_db_connections
from dashboards.common import TAGS, instance_variable

PG = 'job="postgres", instance=~"$instance"'
# template0/template1 and the datid="0" row without datname are not application databases.
DB = f'{PG}, datname!~"template.*|"'

postgresql = Dashboard(
    title="PostgreSQL",
    uid="mac-postgresql",
    tags=TAGS + ("postgres",),
    description="PostgreSQL health and load, from postgres_exporter.",
    variables=[instance_variable("postgres")],
    panels=[
        Row("Status", panels=[
            Stat("PostgreSQL up", queries=[Query(f"pg_up{{{PG}}}", legend="{{instance}}")],
                 thresholds_from=postgresql_down, graph_mode="none", unit="none",
                 description="1 when postgres_exporter can query PostgreSQL; red where PostgreSQLDown fires."),
            Stat("Connections", queries=[Query(f"sum by (instance) (pg_stat_database_numbackends{{{PG}}})",
                                               legend="{{instance}}")],
                 thresholds_from=too_many_db_connections, unit="short",
                 description="Open backends across all databases; coloured where TooManyDBConnections fires."),
            Stat("Max connections", queries=[Query(f"pg_settings_max_connections{{{PG}}}", legend="{{instance}}")],
                 graph_mode="none", unit="short", description="The server's max_connections setting."),
        ]),
        Row("Load", panels=[
            TimeSeries("Connections against max_connections",
                       queries=[
                           Query(f"sum by (instance) (pg_stat_database_numbackends{{{PG}}})", legend="{{instance}} open"),
                           Query(f"pg_settings_max_connections{{{PG}}}", legend="{{instance}} max_connections"),
                       ],
                       unit="short", min=0, thresholds_from=too_many_db_connections,
                       description="Open connections and the configured maximum. The line is where TooManyDBConnections fires."),
            TimeSeries("Transactions",
                       queries=[
                           Query(f"sum by (datname) (rate(pg_stat_database_xact_commit{{{DB}}}[$__rate_interval]))",
                                 legend="{{datname}} commit"),
                           Query(f"sum by (datname) (rate(pg_stat_database_xact_rollback{{{DB}}}[$__rate_interval]))",
                                 legend="{{datname}} rollback"),
                       ],
                       unit="ops", description="Commits and rollbacks per second per database."),
            TimeSeries("Rows fetched and returned",
                       queries=[
                           Query(f"sum by (datname) (rate(pg_stat_database_tup_fetched{{{DB}}}[$__rate_interval]))",
                                 legend="{{datname}} fetched"),
                           Query(f"sum by (datname) (rate(pg_stat_database_tup_returned{{{DB}}}[$__rate_interval]))",
                                 legend="{{datname}} returned"),
                       ],
                       unit="short",
                       description="Rows fetched by index scans and returned by sequential scans, per second."),
            TimeSeries("Cache hit ratio",
                       queries=[Query(
                           f"sum by (datname) (rate(pg_stat_database_blks_hit{{{DB}}}[$__rate_interval]))"
                           f" / (sum by (datname) (rate(pg_stat_database_blks_hit{{{DB}}}[$__rate_interval]))"
                           f" + sum by (datname) (rate(pg_stat_database_blks_read{{{DB}}}[$__rate_interval])))",
                           legend="{{datname}}")],
                       unit="percentunit", min=0, max=1,
                       description="Share of block reads served from shared buffers. A gap means no reads in that window."),
        ]),
    ],
)
