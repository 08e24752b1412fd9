"""The app factory: builds a fresh, isolated session server from a configuration mapping."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from server import (
    allowed_hosts,
    class_requests,
    errors,
    lab_hsts,
    latency,
    rate_limit,
    remember_me,
    request_guard,
    security_headers,
    session_cap,
    store_health,
    views,
)
from server.config import DEFAULTS, STORES, default_data_dir, sqlite_path
from server.env_config import config_from_env, read_secret_key_file
from server.private_files import private_dir
from server.records import SessionRecord
from server.secret_key import load_or_create_secret_key
from server.session_interface import ServerSideSessionInterface, make_session_interface
from server.store_health import StoreHealth
from server.stores import MemoryStore, SessionStore, SqliteStore, StoreUnavailable

log = logging.getLogger(__name__)


@dataclass
class SessionLabState:
    """What the app factory chose, kept in ``app.extensions["session_lab"]``."""

    store_name: str
    data_dir: Path | None
    store: SessionStore | None
    #: Plain sentences about start-up problems worked around (a read-only directory, say).
    notices: list[str] = field(default_factory=list)
    #: Whether the store works now; says once when it starts or stops failing.
    health: StoreHealth | None = None


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the session server; ``config`` overrides :data:`server.config.DEFAULTS`.

    Without ``config`` (``gunicorn "server:create_app()"``) the ``SESSION_LAB_*`` environment
    variables configure it (:mod:`server.env_config`). Raises ``ValueError`` for an unusable
    setting and :class:`~server.store_start.StoreStartError` when Redis cannot be reached,
    except when configured from the environment: then it logs one line and answers 503 until
    Redis does (a gunicorn worker that fails to boot would stop the whole gunicorn).
    """
    # A worker (re)started during a Redis outage must come up; `python -m server` checks first.
    wait_for_store = config is None
    if config is None:
        config = config_from_env(os.environ)
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if config:
        app.config.from_mapping(config)
    store_name = app.config["SESSION_STORE"]
    if store_name not in STORES:
        raise ValueError(f"unknown session store {store_name!r}; choose one of {', '.join(STORES)}")

    state = _prepare_data(app, store_name, wait_for_store)
    state.health = StoreHealth(app)
    if state.store is not None and state.store.start_failure:
        state.health.failed(StoreUnavailable(state.store.start_failure))  # its one log line
    app.extensions["session_lab"] = state
    app.session_interface = make_session_interface(app, state.store, state.health)
    if state.store_name == "redis" and state.store is not None:
        from server import redis_feed  # only this store needs redis-py loaded

        # Every process publishes its session events, so a watcher sees all of them.
        redis_feed.init_app(app, state.store)

    # Before-request hooks run in this order. A foreign Host is refused at once; the simulated
    # delay comes next, so that refused forms (CSRF) are slow as well; the CSRF check comes
    # last, once the form is known sane.
    allowed_hosts.init_app(app)
    # While the lab is shared: a student's device over its rate, or new when the lab is full,
    # is answered before any work is done for it; its requests are published for the class view.
    rate_limit.init_app(app)
    session_cap.init_app(app)
    class_requests.init_app(app)
    latency.init_app(app)
    request_guard.init_app(app)
    store_health.init_app(app)
    CSRFProtect(app)
    errors.init_app(app)
    security_headers.init_app(app)
    lab_hsts.init_app(app)
    app.register_blueprint(views.index_bp)
    app.register_blueprint(views.bp)
    # Off unless the lab's switch is on; then it reads and writes its own cookie only.
    remember_me.init_app(app)
    return app


def _prepare_data(app: Flask, store_name: str, wait_for_store: bool) -> SessionLabState:
    data_dir = Path(app.config["DATA_DIR"] or default_data_dir())
    notices: list[str] = []
    if app.config.get("SECRET_KEY_FILE") and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_secret_key_file(app.config["SECRET_KEY_FILE"])
    try:
        notices.extend(private_dir(data_dir))
        if not app.config.get("SECRET_KEY"):
            loaded = load_or_create_secret_key(data_dir)
            app.config["SECRET_KEY"] = loaded.key
            notices.extend(loaded.notices)
        store = _open_store(store_name, data_dir, app.config, wait_for_store)
    except OSError as error:
        # A read-only or unusable data directory must not stop the lab: keep going in memory.
        notices.append(
            f"Could not use the data directory {data_dir} ({error.strerror or error}); "
            "sessions are kept in memory and end when the server stops."
        )
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = secrets.token_hex(32)
        store_name = "memory" if store_name == "sqlite" else store_name
        store = MemoryStore() if store_name == "memory" else None
        if store_name == "redis":  # Redis needs no data directory
            store = _open_store(store_name, data_dir, app.config, wait_for_store)
        data_dir = None
    if isinstance(store, SqliteStore):
        notices.extend(store.notices)
        if store.recovered_from is not None:
            notices.append(
                f"The session database was damaged; it was moved to "
                f"{store.recovered_from.moved_to} and a fresh one was started."
            )
    for notice in notices:
        log.warning(notice)
    return SessionLabState(store_name, data_dir, store, notices)


def _open_store(
    store_name: str, data_dir: Path, config: Mapping[str, Any], wait_for_store: bool = False
) -> SessionStore | None:
    if store_name == "redis":
        from server.redis_store import RedisStore  # only this store needs redis-py loaded

        return RedisStore(
            config["REDIS_URL"],
            prefix=config["REDIS_KEY_PREFIX"],
            require_answer=not wait_for_store,
        )
    if store_name == "sqlite":
        return SqliteStore(sqlite_path(data_dir))
    if store_name == "memory":
        return MemoryStore()
    return None


def lab_state(app: Flask) -> SessionLabState:
    """Return what the factory chose for ``app``."""
    return app.extensions["session_lab"]


def snapshot(app: Flask) -> list[SessionRecord]:
    """Return a read-only copy of every stored session (empty for the cookie store)."""
    store = lab_state(app).store
    return store.records() if store is not None else []


def purge_expired(app: Flask) -> list[SessionRecord]:
    """Delete expired sessions now, publishing an event for each."""
    interface = app.session_interface
    if isinstance(interface, ServerSideSessionInterface):
        return interface.purge_expired(app)
    return []


def close_app(app: Flask) -> None:
    """Release the store's file handles (call once the server has stopped)."""
    store = lab_state(app).store
    if store is not None:
        store.close()
