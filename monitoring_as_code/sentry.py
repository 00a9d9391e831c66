"""Sentry for the Flask backend, configured from the compiled definition.

    from monitoring_as_code.sentry import init_sentry
    init_sentry(app, "build/sentry/backend.json", user_id=lambda: getattr(g, "user_id", None))

DSN from the environment variable the definition names (no DSN: Sentry stays off), release
from the definition or SENTRY_RELEASE, Flask integration, log records as breadcrumbs,
errors as events, and the user context limited to an id unless send_default_pii is asked."""
from __future__ import annotations

import json
import logging
import os
from typing import Callable, Optional, Union

from .model.stack import Sentry


def load(config: Union[str, dict, Sentry]) -> dict:
    if isinstance(config, Sentry):
        from .emit.sentry import backend_data

        return backend_data(config)
    if isinstance(config, str):
        with open(config, encoding="utf-8") as f:
            return json.load(f)
    return dict(config)


def init_sentry(app, config: Union[str, dict, Sentry], user_id: Optional[Callable[[], object]] = None,
                transport=None, dsn: Optional[str] = None):
    """Configure sentry_sdk for `app`; returns the Sentry client (None when there is no DSN)."""
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    settings = load(config)
    dsn = dsn or os.environ.get(settings["dsn_env"], "")
    if not dsn:
        return None
    options = dict(
        dsn=dsn,
        environment=settings["environment"],
        release=settings.get("release") or os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=settings["traces_sample_rate"],
        send_default_pii=settings["send_default_pii"],
        integrations=[
            FlaskIntegration(transaction_style="url"),
            LoggingIntegration(level=getattr(logging, settings["breadcrumb_level"]),
                               event_level=getattr(logging, settings["event_level"])),
        ],
    )
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)

    if user_id is not None:
        @app.before_request
        def _mac_sentry_user():
            uid = user_id()
            if uid is not None:
                sentry_sdk.set_user({"id": str(uid)})  # id only: no e-mail, name or address
    return sentry_sdk.get_client()
