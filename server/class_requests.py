"""Publish every request a student's device makes while the lab is shared, for the class view.

Each request from the class (see :mod:`server.class_access`) is published, once its response
is complete and its session saved, as a :class:`RequestSeen` on the blinker signal
:data:`request_seen` with the app as sender. Receivers run on the request's thread and must
only hand the record over (the desktop queues it for the GUI thread).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from blinker import Namespace
from flask import Flask, Response, g, request, request_finished

from server.class_access import from_the_class

log = logging.getLogger(__name__)

request_seen = Namespace().signal("request-seen")

MAX_USER_AGENT = 300  # characters kept: a header may be 256 KiB long
#: The name in ``flask.g`` under which a guard notes why it turned a request away.
REFUSED = "class_refused"


@dataclass(frozen=True)
class RequestSeen:
    """One request from a student's device: who sent it, what, and which session it used.

    ``sid_sent`` is the session cookie the request carried, ``sid_held`` the one the device
    holds after the response (a new one after login, None after logout). ``refused`` says why
    the shared lab turned the request away: ``"full"`` (the session cap), ``"rate"`` (the
    device's rate limit), or "" when it did not.
    """

    address: str
    user_agent: str
    method: str
    path: str
    status: int
    sid_sent: str | None
    sid_held: str | None
    at: float = field(default_factory=time.time)
    refused: str = ""


def _cookie_set(response: Response, name: str) -> tuple[bool, str | None]:
    # Returns (whether the response sets the cookie, its value or None if it deletes it).
    for header in response.headers.getlist("Set-Cookie"):
        cookie_name, _, rest = header.partition("=")
        if cookie_name.strip() == name:
            value, _, attributes = rest.partition(";")
            deletes = not value or "max-age=0" in attributes.lower().replace(" ", "")
            return True, None if deletes else value
    return False, None


def _publish(app: Flask, response: Response, **_) -> None:
    if not from_the_class(app, request):
        return
    try:
        name = app.config["SESSION_COOKIE_NAME"]
        sent = request.cookies.get(name)
        was_set, value = _cookie_set(response, name)
        seen = RequestSeen(
            address=request.remote_addr or "?",
            user_agent=request.headers.get("User-Agent", "")[:MAX_USER_AGENT],
            method=request.method[:16],
            path=request.path[:200],
            status=response.status_code,
            sid_sent=sent,
            sid_held=value if was_set else sent,
            refused=g.get(REFUSED, ""),
        )
        request_seen.send(app, seen=seen)
    except Exception:  # an observer must never turn a student's answer into an error
        log.exception("could not publish a request from the class")


def init_app(app: Flask) -> None:
    """Publish the class's requests (only while the lab is shared)."""
    request_finished.connect(_publish, app, weak=False)
