"""Public names for stack.py: `from monitoring_as_code.stack import Stack, ScrapeJob, …`."""
from .model.stack import (DEFAULT_ROUTES, Alertmanager, Email, Grafana, Host, Kubernetes, Nginx, Reload, Route, ScrapeJob, Sentry,
                          Stack)

__all__ = ["DEFAULT_ROUTES", "Alertmanager", "Email", "Grafana", "Host", "Kubernetes", "Nginx", "Reload", "Route", "ScrapeJob", "Sentry",
           "Stack"]
