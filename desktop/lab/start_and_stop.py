"""The lab always starts and stops in time: a free port for a busy one, the default store for
one that cannot start, and how long a stop may take. Plain Python, no Qt.
"""

from __future__ import annotations

import logging

from flask import Flask

from server import create_app, lab_state
from server.runner import EmbeddedServer, ServerStartError
from server.store_start import StoreStartError

log = logging.getLogger(__name__)

STOP_TIMEOUT = 1.0  # the window's whole shutdown must fit in 2 s
FALLBACK_STORE = "sqlite"  # the app's default, when the store asked for cannot start


def start_on_any_port_if_busy(server: EmbeddedServer, name: str, notices: list[str]) -> str:
    """Start ``server``; if its pinned port is busy, on any free port, and say so in ``notices``.

    ``name`` says in the notice what took the port ("the server", "the balancer"). A server
    asking for any port that still cannot listen raises :class:`ServerStartError`.
    """
    try:
        return server.start()
    except ServerStartError as error:
        pinned = server.requested_port
        if pinned == 0:
            raise
        server.requested_port = 0
        url = server.start()
        notice = f"Port {pinned} was busy ({error}); {name} took port {server.port}."
        log.warning(notice)
        notices.append(notice)
        return url


def create_app_on_a_store_that_starts(config: dict) -> Flask:
    """Build the lab's app from ``config``; a store that cannot start gives way to the default.

    ``config`` then names the store the app really uses, and the app's notices say why.
    """
    # A store that cannot start (Redis unreachable) must not stop the lab: the default
    # store takes over, and the yellow bar says so.
    try:
        return create_app(config)
    except StoreStartError as error:
        wanted = config["SESSION_STORE"]
        config["SESSION_STORE"] = FALLBACK_STORE
        app = create_app(config)
        notice = (
            f"The {wanted} store could not start ({error}); the lab keeps sessions in the "
            f"{FALLBACK_STORE} store instead. Start it, then choose Server → Session store."
        )
        log.warning(notice)
        lab_state(app).notices.append(notice)
        return app
