"""mac: dashboards and alerts as code, compiled to Grafana and Prometheus."""
from .model import *  # noqa: F401,F403  (the public API is the model)
from .model import __all__ as _model_all

__version__ = "0.1.0"
__all__ = list(_model_all)
