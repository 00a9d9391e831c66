"""The rest of the monitoring stack: scrape targets, Alertmanager e-mail, Grafana
provisioning and Nginx routes, defined once in stack.py. Secrets are never values here:
only the files (or environment variables) that hold them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Tuple

from .base import Located, freeze, set_frozen


@dataclass(frozen=True)
class ScrapeJob(Located):
    name: str
    targets: Sequence[str]
    metrics_path: str = "/metrics"
    scrape_interval: Optional[str] = None
    scheme: str = "http"

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "targets", freeze(self.targets))


@dataclass(frozen=True)
class Email(Located):
    """E-mail through an SMTP relay. The password is read by Alertmanager from
    `password_file` and by Grafana from the same file (`$__file{…}`); it is never in build/."""

    to: str
    sender: str
    username: str
    password_file: str
    smarthost: str = "smtp-relay.brevo.com:587"
    require_tls: bool = True


@dataclass(frozen=True)
class Route(Located):
    """How alerts of one severity are grouped and repeated."""

    severity: str
    group_wait: str
    group_interval: str
    repeat_interval: str


DEFAULT_ROUTES = (
    Route("critical", group_wait="10s", group_interval="1m", repeat_interval="1h"),
    Route("warning", group_wait="1m", group_interval="5m", repeat_interval="4h"),
)


@dataclass(frozen=True)
class Alertmanager(Located):
    targets: Sequence[str] = ("127.0.0.1:9093",)
    email: Optional[Email] = None
    routes: Sequence[Route] = DEFAULT_ROUTES
    group_by: Tuple[str, ...] = ("alertname", "instance")
    # A critical alert silences warnings for the same instance.
    inhibit_equal: Tuple[str, ...] = ("instance",)

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "targets", freeze(self.targets))
        set_frozen(self, "routes", freeze(self.routes))


@dataclass(frozen=True)
class Grafana(Located):
    root_url: str = "%(protocol)s://%(domain)s/grafana/"
    datasource_name: str = "Prometheus"
    datasource_uid: str = "prometheus"
    prometheus_url: str = "http://127.0.0.1:9090/prometheus"
    dashboards_path: str = "/var/lib/grafana/dashboards/mac"
    # The folder dashboards without `folder=` land in.
    folder: str = "mac"
    # Dashboards with `folder=`: build/grafana/folders/<folder uid>/ is deployed here, one
    # file provider per folder (a provider reads its path recursively into one folder).
    folders_path: str = "/var/lib/grafana/dashboards/mac-folders"


@dataclass(frozen=True)
class Nginx(Located):
    grafana_upstream: str = "127.0.0.1:3000"
    prometheus_upstream: str = "127.0.0.1:9090"
    metrics_upstream: str = "127.0.0.1:8000"
    htpasswd_file: str = "/etc/nginx/prometheus.htpasswd"
    metrics_allow: Sequence[str] = ("127.0.0.1",)
    # `all` in metrics_allow opens /metrics to every address: only with this set (and a warning).
    metrics_allow_all: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "metrics_allow", freeze(self.metrics_allow))


@dataclass(frozen=True)
class Reload(Located):
    """How a service takes new configuration: an HTTP POST (Prometheus' and Alertmanager's
    /-/reload, which need --web.enable-lifecycle), or a command (`nginx -s reload`,
    `systemctl reload nginx`). Reload.http(url), Reload.command("nginx", "-s", "reload"),
    Reload.systemd("nginx")."""

    url: Optional[str] = None
    argv: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "argv", tuple(self.argv))

    @staticmethod
    def http(url: str) -> "Reload":
        return Reload(url=url)

    @staticmethod
    def command(*argv: str) -> "Reload":
        return Reload(argv=tuple(argv))

    @staticmethod
    def systemd(unit: str) -> "Reload":
        return Reload(argv=("systemctl", "reload", unit))

    def describe(self) -> str:
        return f"POST {self.url}" if self.url else " ".join(self.argv)


@dataclass(frozen=True)
class Host(Located):
    """Where `mac deploy` puts build/ on one host, how each service is reloaded, and where it
    is asked whether the new configuration is live. Defaults are Debian's packages' paths;
    `mac deploy --root DIR` puts every path under DIR. Grafana's dashboard folders are the
    Grafana object's dashboards_path and folders_path."""

    prometheus_dir: str = "/etc/prometheus"  # prometheus.yml and alert_rules.yml
    alertmanager_config: str = "/etc/prometheus/alertmanager.yml"  # templates/ beside it
    grafana_provisioning: str = "/etc/grafana/provisioning"
    nginx_snippets: str = "/etc/nginx/snippets"
    state_dir: str = "/var/lib/mac"  # what mac deployed, and the files it replaced last
    prometheus_url: str = "http://127.0.0.1:9090/prometheus"
    alertmanager_url: str = "http://127.0.0.1:9093"
    nginx_url: str = "http://127.0.0.1"  # asked for /prometheus/ (401 without credentials)
    prometheus_reload: Optional[Reload] = None  # None: POST <prometheus_url>/-/reload
    alertmanager_reload: Optional[Reload] = None  # None: POST <alertmanager_url>/-/reload
    nginx_reload: Optional[Reload] = None  # None: nginx -s reload
    # Grafana's file provider reads dashboards every updateIntervalSeconds by itself; data
    # sources and contact points are read at start. None: no reload, the plan says so.
    grafana_reload: Optional[Reload] = None
    verify_timeout: float = 60.0  # seconds to wait for every compiled rule group to be evaluated


@dataclass(frozen=True)
class Kubernetes(Located):
    """What `mac compile --target kubernetes` writes into build/kubernetes/: the namespace and
    labels of every resource, the labels prometheus-operator's ruleSelector picks
    PrometheusRules by, the instanceSelector grafana-operator matches Grafana instances with,
    and the label kube-prometheus' Grafana sidecar finds dashboard ConfigMaps by."""

    namespace: str = "monitoring"
    labels: Mapping[str, str] = field(default_factory=lambda: {"app.kubernetes.io/part-of": "monitoring"})
    rule_labels: Mapping[str, str] = field(default_factory=lambda: {"role": "alert-rules"})
    instance_selector: Mapping[str, str] = field(default_factory=lambda: {"dashboards": "grafana"})
    sidecar_label: Tuple[str, str] = ("grafana_dashboard", "1")
    sidecar_folder_annotation: str = "grafana_folder"

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("labels", "rule_labels", "instance_selector"):
            set_frozen(self, name, freeze(dict(getattr(self, name))))
        set_frozen(self, "sidecar_label", tuple(self.sidecar_label))


@dataclass(frozen=True)
class Stack(Located):
    jobs: Sequence[ScrapeJob] = ()
    scrape_interval: str = "15s"
    evaluation_interval: str = "15s"
    scrape_timeout: str = "10s"
    alertmanager: Alertmanager = Alertmanager()
    grafana: Grafana = Grafana()
    nginx: Nginx = Nginx()
    # Prometheus is served under /prometheus/ behind Nginx: run it with
    # --web.external-url=<site>/prometheus/ (README: "Deploying").
    prometheus_external_path: str = "/prometheus/"
    sentry: Optional["Sentry"] = None
    deploy: Host = Host()
    kubernetes: Kubernetes = Kubernetes()

    def __post_init__(self) -> None:
        super().__post_init__()
        set_frozen(self, "jobs", freeze(self.jobs))


@dataclass(frozen=True)
class Sentry(Located):
    """Error tracking for the backend and the iOS app, from one definition. The DSN is never a
    value: the backend reads it from the environment variable `dsn_env`, the app from the
    Info.plist key `ios_dsn_plist_key` (set per build configuration)."""

    dsn_env: str = "SENTRY_DSN"
    environment: str = "production"
    release: str = ""  # empty: the backend reads SENTRY_RELEASE; iOS uses bundle id@version+build
    traces_sample_rate: float = 0.1
    send_default_pii: bool = False
    breadcrumb_level: str = "INFO"  # log records at this level and above become breadcrumbs
    event_level: str = "ERROR"  # and these are sent as events
    ios_dsn_plist_key: str = "SentryDSN"
