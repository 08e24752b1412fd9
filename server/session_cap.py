"""A cap on live sessions while the lab is shared: a room cannot fill the store without end.

A student's device that has no session yet gets a 503 page saying the lab is full once the
store holds ``SHARED_SESSION_CAP`` live sessions; devices with a session carry on, and the lab's
own browsers are never refused. The count is read from the store at each such request, so a
handful of requests arriving in the same instant may each take the last place.
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, g, request, session

from server.class_access import from_the_class
from server.class_requests import REFUSED
from server.errors import error_page
from server.session_interface import ServerSideSession
from server.stores import StoreUnavailable

DEFAULT_CAP = 300
RETRY_AFTER = 60


def lab_full_message(cap: int, unused_lifetime: float = 5 * 60) -> str:
    """The sentence of the "lab is full" page; ``unused_lifetime`` is how long a session that
    nobody logged in with lives (seconds), so the page says how long a student may wait."""
    minutes = max(1, math.ceil(unused_lifetime / 60))
    return (
        f"The lab is full: it holds {cap} live sessions, the most it takes while it is shared. "
        f"Ask your teacher, or wait {minutes} minute{'s' if minutes != 1 else ''} for unused "
        "sessions to expire and try again."
    )


def refuse_new_sessions_when_full() -> Response | None:
    """Answer a newcomer from the class with the "lab is full" page once the cap is reached."""
    app = current_app._get_current_object()
    if not from_the_class(app, request):
        return None
    if not isinstance(session, ServerSideSession) or session.record is not None:
        return None  # a signed-cookie lab keeps nothing; a known session carries on
    store = app.extensions["session_lab"].store
    cap = int(app.config["SHARED_SESSION_CAP"])
    try:
        now = time.time()
        live = sum(not record.is_expired(now) for record in store.records())
    except StoreUnavailable:
        return None  # the session interface answers 503 for a failing store itself
    if live < cap:
        return None
    response = Response(
        error_page(503, "Service Unavailable", lab_full_message(cap, _unused_lifetime(app))),
        status=503,
        content_type="text/html; charset=utf-8",
    )
    response.headers["Retry-After"] = str(RETRY_AFTER)
    g.setdefault(REFUSED, "full")  # the teacher's summary counts it
    return response


def _unused_lifetime(app: Flask) -> float:
    # A session without a user lives the anonymous lifetime, or less when sessions are short.
    return min(app.config["SESSION_ANONYMOUS_LIFETIME"], app.config["SESSION_IDLE_LIFETIME"])


def init_app(app: Flask) -> None:
    """Cap the live sessions while the lab is shared."""
    app.config.setdefault("SHARED_SESSION_CAP", DEFAULT_CAP)
    app.before_request(refuse_new_sessions_when_full)
