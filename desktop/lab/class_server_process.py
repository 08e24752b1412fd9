"""What runs in the class's server process: the lab's app on the shared address, told to the lab.

:class:`~desktop.lab.class_server.ClassServer` starts :func:`serve_the_class` in a process of its
own, with the socket the lab bound on the shared address. It builds the app from the lab's
configuration, so it opens the lab's store (the same SQLite file, the same Redis, or none for
signed cookies) and its secret key file, takes the settings the lab has changed since
(:func:`apply_settings`), and serves that socket on waitress with the class's limits.

Everything the window shows about the class goes back over the connection as ``(kind,
payload)`` messages: each session event (``"event"``), each request from a student's device
(``"seen"``), the store failing and recovering, each change of the remember-me tokens with all
of them (``"remember"``). From the lab come ``("settings", dict)`` and
``("stop", None)``; a lab that vanishes (its end of the connection closes) stops the process
too. Plain Python, no Qt.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
from datetime import timedelta
from typing import Any

from desktop.lab.lab_share import CLASS_LIMITS, host_entry
from server import close_app, create_app
from server.class_requests import request_seen
from server.events import ALL_SIGNALS, store_failed, store_recovered
from server.latency import interrupt_delays
from server.remember_me import remember_changed, store_of
from server.runner import EmbeddedServer
from server.session_interface import ServerSideSessionInterface

log = logging.getLogger(__name__)

#: How much the class's server yields the processor to the window, which the whole room watches
#: on the projector: on a laptop with two cores, a burst of students waits a few milliseconds
#: more instead of the window freezing (Unix; Windows has no nice value).
NICENESS = 10
STOP_TIMEOUT = 0.6  # the lab gives the process 1 s in all before it ends it
#: Per process, never copied from the lab: where the app listens and what it trusts there.
PER_PROCESS = frozenset({"SHARED_ADDRESS", "ALLOWED_HOSTS", "SESSION_STORE", "DATA_DIR"})
PLAIN = (str, bytes, int, float, bool, type(None))


def lab_settings(config: dict[str, Any]) -> dict[str, Any]:
    """Return what the class's server copies from the lab's app config: every plain setting
    (switches, lifetimes, cookie settings, the secret key), none that is per process."""
    return {k: v for k, v in config.items() if k not in PER_PROCESS and isinstance(v, PLAIN)}


def apply_settings(app, settings: dict[str, Any]) -> None:
    """Give ``app`` the lab's settings, as :class:`~desktop.lab.embedded_lab.Lab` sets its own."""
    app.config.update(settings)
    interface = app.session_interface
    if isinstance(interface, ServerSideSessionInterface):
        interface.idle_lifetime = app.config["SESSION_IDLE_LIFETIME"]
        interface.absolute_lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    else:  # a signed cookie older than this is refused, as the app factory set it
        app.permanent_session_lifetime = timedelta(seconds=app.config["SESSION_IDLE_LIFETIME"])


class _Sender:
    """Sends messages to the lab from any thread; once the lab is gone it drops them."""

    def __init__(self, connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()

    def __call__(self, kind: str, payload: Any = None) -> None:
        with self._lock, contextlib.suppress(OSError, ValueError):  # the lab closed its end
            self._connection.send((kind, payload))


class _LogToTheLab(logging.Handler):
    """Hands this process's log records to the lab, which writes them in the app's own log."""

    def __init__(self, send: _Sender) -> None:
        super().__init__(logging.WARNING)
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._send("log", (record.levelno, record.name, self.format(record)))
        except Exception:  # logging must never fail the request that logs
            self.handleError(record)


class _Relay:
    """Sends ``app``'s session events, the class's requests and the store's health to the lab."""

    def __init__(self, app, send: _Sender) -> None:
        self._send = send
        for each in ALL_SIGNALS.values():
            each.connect(self._event, sender=app, weak=False)
        request_seen.connect(self._seen, sender=app, weak=False)
        store_failed.connect(self._failed, sender=app, weak=False)
        store_recovered.connect(self._recovered, sender=app, weak=False)
        remember_changed.connect(self._remember, sender=app, weak=False)

    def _event(self, sender, event) -> None:
        self._send("event", event)

    def _seen(self, sender, seen) -> None:
        self._send("seen", seen)

    def _failed(self, sender, message: str) -> None:
        self._send("store_failed", message)

    def _recovered(self, sender) -> None:
        self._send("store_recovered")

    def _remember(self, sender, change) -> None:
        # The tokens live in this process's memory: the lab's store view shows this copy.
        self._send("remember", (change, store_of(sender).tokens()))


def serve_the_class(config: dict, settings: dict, listener: socket.socket, connection) -> None:
    """Serve the lab's app on ``listener`` (bound by the lab) until the lab says stop.

    This is the process's target. It says ``("listening", port)`` once it serves, or
    ``("start_failed", why)``; until then the system holds the class's connections waiting.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the window's to handle
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    send = _Sender(connection)
    logging.basicConfig(level=logging.WARNING, handlers=[_LogToTheLab(send)])
    try:
        app = create_app(config)
    except Exception as error:  # said to the lab, which shows it; nothing else runs here
        send("start_failed", f"{type(error).__name__}: {error}")
        listener.close()
        return
    try:
        settings = _latest_settings(connection, settings)
        if settings is None:  # the lab said stop while this process was starting: serve nothing
            listener.close()
            return
        server = _serve(app, settings, listener, send)
        _follow_the_lab(app, connection)
        interrupt_delays(app)
        server.stop(STOP_TIMEOUT)
    except Exception as error:
        send("start_failed", f"{type(error).__name__}: {error}")
    finally:
        close_app(app)


def _latest_settings(connection, settings: dict) -> dict | None:
    """Read what the lab said while this process was starting: its newest settings, or
    ``None`` when it said stop (or went away), so a class server stopped at once never serves."""
    try:
        while connection.poll(0):
            kind, payload = connection.recv()
            if kind == "stop":
                return None
            if kind == "settings":
                settings = payload
    except (EOFError, OSError):
        return None
    return settings


def _serve(app, settings: dict, listener: socket.socket, send: _Sender) -> EmbeddedServer:
    address, port = listener.getsockname()[:2]
    apply_settings(app, settings)
    app.config["ALLOWED_HOSTS"].append(host_entry(address))
    app.config["SHARED_ADDRESS"] = address
    _Relay(app, send)
    server = EmbeddedServer(
        app,
        host=address,
        port=port,
        limits=CLASS_LIMITS,
        on_error=lambda error: send("failed", f"{type(error).__name__}: {error}"),
        listener=listener,
    )
    server.start()
    send("listening", port)
    return server


def _follow_the_lab(app, connection) -> None:
    # Until the lab says stop, or its end closes (it quit or crashed).
    while True:
        try:
            kind, payload = connection.recv()
        except (EOFError, OSError):
            return
        if kind == "stop":
            return
        if kind == "settings":
            apply_settings(app, payload)
