"""The monitoring stack: what Prometheus scrapes, how alerts reach people, how Grafana and
Prometheus are published. Compiled into build/prometheus/prometheus.yml,
build/alertmanager/, build/grafana/provisioning/ and build/nginx/monitoring.conf."""
from monitoring_as_code.stack import Alertmanager, Email, Grafana, Nginx, ScrapeJob, Sentry, Stack

stack = Stack(
    scrape_interval="15s",
    evaluation_interval="15s",
    jobs=[
        ScrapeJob("node", ["127.0.0.1:9100"]),
        ScrapeJob("postgres", ["127.0.0.1:9187"]),
        ScrapeJob("redis", ["127.0.0.1:9121"]),
        ScrapeJob("nginx", ["127.0.0.1:9113"]),
        ScrapeJob("api", ["127.0.0.1:8000"], metrics_path="/metrics"),
    ],
    alertmanager=Alertmanager(
        targets=["127.0.0.1:9093"],
        email=Email(
            to="oncall@example.com",
            sender="alerts@example.com",
            username="alerts@example.com",
            # Brevo SMTP key, one line, readable by the alertmanager and grafana users only.
            password_file="/etc/alertmanager/smtp_password",
        ),
    ),
    grafana=Grafana(prometheus_url="http://127.0.0.1:9090/prometheus"),
    nginx=Nginx(
        grafana_upstream="127.0.0.1:3000",
        prometheus_upstream="127.0.0.1:9090",
        metrics_upstream="127.0.0.1:8000",
        htpasswd_file="/etc/nginx/prometheus.htpasswd",
        # Who may scrape the API's /metrics through Nginx: this host and the private network.
        metrics_allow=["127.0.0.1", "10.0.0.0/8"],
    ),
    # Backend and iOS app: DSN from $SENTRY_DSN / the Info.plist key SentryDSN, 10% of transactions traced.
    sentry=Sentry(dsn_env="SENTRY_DSN", environment="production", traces_sample_rate=0.1, send_default_pii=False),
)
