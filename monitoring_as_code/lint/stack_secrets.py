"""Secrets are referenced, never written: password_file is an absolute path, dsn_env the name
of an environment variable; a value that looks like the secret itself is an error."""
from ..diagnostics import Severity
from ..formats import secrets

RULE = "stack/secret"
SEVERITY = Severity.ERROR
HELP = 'secrets stay out of build/: reference a file (password_file) or an environment variable (dsn_env)'


def check(ctx):
    stack = ctx.defs.stack
    if stack is None:
        return
    email = stack.alertmanager.email
    if email is not None:
        reason = secrets.secret_file(email.password_file)
        if reason:
            ctx.report(email, f"Email password_file {_shown(email.password_file)} {reason}",
                       "write the path of a file holding the SMTP key, such as /etc/alertmanager/smtp_password")
        for name in ("username", "sender", "to"):
            if secrets.looks_like_secret(getattr(email, name)):
                ctx.report(email, f"Email {name} looks like a password or key, not an address",
                           "secrets go in password_file")
    if stack.sentry is not None:
        reason = secrets.env_name(stack.sentry.dsn_env)
        if reason:
            ctx.report(stack.sentry, f"Sentry dsn_env {_shown(stack.sentry.dsn_env)} {reason}",
                       "write the variable's name, such as SENTRY_DSN")
        key = stack.sentry.ios_dsn_plist_key
        if not isinstance(key, str) or not secrets.ENV_NAME.match(key) or secrets.looks_like_secret(key):
            ctx.report(stack.sentry, f"Sentry ios_dsn_plist_key {_shown(key)} is not an Info.plist key name",
                       "write a key such as SentryDSN and set the DSN there per build configuration")


def _shown(value) -> str:
    """A value that may be a secret is not echoed whole into logs."""
    if isinstance(value, str) and secrets.looks_like_secret(value):
        return repr(value[:4] + "…")
    return repr(value)
