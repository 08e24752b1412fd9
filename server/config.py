"""Default configuration of the session server and where its data lives."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "session-lab"

STORES = ("sqlite", "memory", "cookie", "redis")

DEFAULTS = {
    # sqlite (server-side, in DATA_DIR), memory (server-side, volatile), cookie (Flask's own) or
    # redis (server-side, shared by every process that reaches it).
    "SESSION_STORE": "sqlite",
    "DATA_DIR": None,  # None: the user's data directory
    # The redis store's server, and the prefix of its keys (server.redis_store).
    "REDIS_URL": "redis://localhost:6379/0",
    "REDIS_KEY_PREFIX": "session-lab:",
    # A file holding the secret key (several machines behind one balancer share it); None: the
    # key generated in DATA_DIR.
    "SECRET_KEY_FILE": None,
    "SESSION_IDLE_LIFETIME": 30 * 60,
    "SESSION_ABSOLUTE_LIFETIME": 8 * 60 * 60,
    "SESSION_PURGE_INTERVAL": 60,
    # A session that holds no logged-in user (only the login form's CSRF token) lives this long,
    # so anonymous visits to the form do not keep a row for the whole idle lifetime.
    "SESSION_ANONYMOUS_LIFETIME": 5 * 60,
    # Rewrite last_seen only when it moves the expiry by at least this many seconds (0: on
    # every request, as the desktop lab does so that its store view stays live).
    "SESSION_REFRESH_INTERVAL": 60,
    # Give the session a new id at login (the fixation defence). The desktop lab can turn it off
    # to demonstrate the attack; the standalone server offers no way to.
    "SESSION_ROTATE_ON_LOGIN": True,
    # The tutorial logs out on a GET link. True: a GET shows a form, and only its POST (with
    # the CSRF token) logs out, which stops logout CSRF; the desktop lab's fix switch.
    "LOGOUT_REQUIRES_POST": False,
    # Seconds every response waits: a simulated slow network (server.latency).
    "RESPONSE_DELAY": 0.0,
    # Django's cookie name, so the tutorial's screenshots and ours agree.
    "SESSION_COOKIE_NAME": "sessionid",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PATH": "/",
    "SESSION_COOKIE_DOMAIN": None,
    # Seconds of HSTS for the lab's own browser, sent over https in a header of the lab's own
    # (server.lab_hsts); 0: none. The real Strict-Transport-Security header is never sent.
    "LAB_HSTS_SECONDS": 0,
    # Host headers the server answers (any port), as Django's ALLOWED_HOSTS; another name gets
    # a 400, so a DNS-rebinding page cannot talk to a server on this machine.
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]"],
    # The login form is tiny; anything much bigger is not a browser filling it in.
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "MAX_FORM_MEMORY_SIZE": 16 * 1024,
    "MAX_FORM_PARTS": 50,
}


def default_data_dir() -> Path:
    """Return the user's data directory for Session Lab (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def sqlite_path(data_dir: Path) -> Path:
    """Return where the SQLite store keeps its sessions."""
    return Path(data_dir) / "sessions.sqlite3"
