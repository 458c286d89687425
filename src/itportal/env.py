"""Typed parsers for ITPORTAL_* environment variables.

Every parser fails loudly: a value that cannot be read raises ImproperlyConfigured naming the
variable and what was expected, so a misconfigured deployment stops at start instead of running
with a silently wrong setting.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

PREFIX = "ITPORTAL_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name, environ):
    return (environ if environ is not None else os.environ).get(PREFIX + name)


def get_str(name, default=None, *, required=False, environ=None):
    value = _raw(name, environ)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"{PREFIX}{name} must be set.")
        return default
    return value


def get_bool(name, default=False, *, environ=None):
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{PREFIX}{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def get_int(name, default, *, minimum=None, environ=None):
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{PREFIX}{name}={number} is below the minimum {minimum}.")
    return number


def get_list(name, default=(), *, environ=None):
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def get_choice(name, default, choices, *, environ=None):
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfigured(f"{PREFIX}{name}={value!r} is not one of: {allowed}.")
    return value


def parse_database_url(url, *, base_dir):
    """Turn sqlite:///relative/or/absolute.sqlite3 or postgres://u:p@h:port/db into DATABASES."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path in ("/:memory:", ":memory:", ""):
            name = ":memory:"
        else:
            name = Path(path[1:])  # sqlite:///rel/x.sqlite3 or sqlite:////abs/x.sqlite3
            if not name.is_absolute():
                name = base_dir / name
            name = str(name)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"{PREFIX}DATABASE_URL {url!r} names no database.")
        options = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"{PREFIX}DATABASE_URL has the unsupported scheme {scheme!r}; use sqlite:// or postgres://."
    )


def development_secret_key(var_dir):
    """A random key kept in var/ so development sessions survive restarts."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
