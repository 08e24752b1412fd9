"""The server's configuration from ``SESSION_LAB_*`` environment variables.

So that a WSGI server that only calls ``create_app()`` (``gunicorn -w 4 "server:create_app()"``,
or waitress on Windows) starts it configured: every process reads the same variables.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from server.config import DEFAULTS, STORES
from server.secret_key import MIN_KEY_LENGTH

log = logging.getLogger(__name__)

PREFIX = "SESSION_LAB_"


class ConfigError(ValueError):
    """An environment variable or a key file holds something unusable; the message names it."""


def _store(text: str) -> str:
    if text not in STORES:
        raise ValueError(f"choose one of {', '.join(STORES)}")
    return text


def _seconds(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be a positive number of seconds")
    return value


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("write 1 or 0 (true or false)")


def _hosts(text: str) -> list[str]:
    extra = [name.strip().lower() for name in text.split(",") if name.strip()]
    return list(dict.fromkeys([*DEFAULTS["ALLOWED_HOSTS"], *extra]))


def _text(text: str) -> str:
    if not text:
        raise ValueError("is empty")
    return text


#: Variable (after the prefix) → (configuration key, parser, what it means).
VARIABLES: dict[str, tuple[str, Callable[[str], Any], str]] = {
    "STORE": ("SESSION_STORE", _store, f"where sessions live: {', '.join(STORES)}"),
    "REDIS_URL": ("REDIS_URL", _text, "the redis store's server, e.g. redis://localhost:6379/0"),
    "REDIS_KEY_PREFIX": ("REDIS_KEY_PREFIX", _text, "prefix of the redis store's keys"),
    "DATA_DIR": ("DATA_DIR", Path, "directory of the SQLite file and the generated secret key"),
    "SECRET_KEY_FILE": ("SECRET_KEY_FILE", Path, "a file holding the secret key (shared)"),
    "IDLE_LIFETIME": ("SESSION_IDLE_LIFETIME", _seconds, "idle lifetime of a session, seconds"),
    "ABSOLUTE_LIFETIME": ("SESSION_ABSOLUTE_LIFETIME", _seconds, "a session's longest life"),
    "COOKIE_NAME": ("SESSION_COOKIE_NAME", _text, "the session cookie's name"),
    "SECURE_COOKIE": ("SESSION_COOKIE_SECURE", _flag, "1: the cookie is sent over HTTPS only"),
    "ALLOWED_HOSTS": ("ALLOWED_HOSTS", _hosts, "host names to answer besides loopback, a,b"),
}


def config_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the configuration the ``SESSION_LAB_*`` variables in ``environ`` ask for.

    Raises :class:`ConfigError` naming the variable when a value is unusable; an unknown
    ``SESSION_LAB_`` variable (a typo, most likely) is logged and ignored.
    """
    config: dict[str, Any] = {}
    for name, text in environ.items():
        if not name.startswith(PREFIX):
            continue
        known = VARIABLES.get(name[len(PREFIX) :])
        if known is None:
            log.warning("ignoring %s: not a setting (known: %s)", name, ", ".join(env_names()))
            continue
        key, parse, _ = known
        try:
            config[key] = parse(text.strip())
        except ValueError as error:
            raise ConfigError(f"{name}={text!r}: {error}") from error
    return config


def env_names() -> list[str]:
    """Return the names of every variable the server reads."""
    return [PREFIX + name for name in VARIABLES]


def read_secret_key_file(path: Path) -> str:
    """Return the key held in ``path``; raise :class:`ConfigError` if it is missing or weak."""
    try:
        key = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the secret key file {path}: {error}") from error
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"the secret key file {path} holds {len(key)} characters; {MIN_KEY_LENGTH} at least "
            "(make one with: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return key
