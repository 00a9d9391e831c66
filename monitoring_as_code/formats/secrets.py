"""References to secrets: where a password or token is read from, never the secret itself."""
from __future__ import annotations

import re
from typing import Optional

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Shapes of secrets pasted where a reference belongs: a DSN or URL with credentials, long
# random-looking tokens, known key prefixes.
_URL_WITH_USER = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s]*@", re.I)
_KEY_PREFIX = re.compile(r"^(xkeysib-|xsmtpsib-|sk_live_|sk-|ghp_|glpat-|AKIA)", re.I)
_TOKENISH = re.compile(r"^[A-Za-z0-9_+/=.-]{24,}$")


def looks_like_secret(value: str) -> bool:
    if not isinstance(value, str):
        return False
    if _URL_WITH_USER.match(value) or _KEY_PREFIX.match(value):
        return True
    if _TOKENISH.match(value) and "/" not in value[:1]:
        classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
        return classes == 3
    return False


def env_name(value) -> Optional[str]:
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    if looks_like_secret(value):
        return "looks like the secret itself: give the name of the environment variable that holds it"
    if not ENV_NAME.match(value):
        return "is not an environment variable name (letters, digits and _)"
    return None


def secret_file(value) -> Optional[str]:
    """Where a password is read from: an absolute path (the services' working folders differ)."""
    from .nginx import file_path

    if isinstance(value, str) and looks_like_secret(value):
        return "looks like the secret itself: give the absolute path of the file that holds it"
    return file_path(value)
