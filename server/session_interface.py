"""A Flask ``SessionInterface`` that keeps session data on the server and only an id in the cookie.

Flask's documented extension point (``app.session_interface``) is all it takes; the default
signed-cookie interface stays available as the ``cookie`` store, unchanged, for comparison.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from dataclasses import replace
from datetime import timedelta

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionInterface

from server.errors import become_store_unavailable
from server.events import publish
from server.records import SessionEvent, SessionRecord
from server.store_health import StoreHealth
from server.stores import SessionStore, StoreUnavailable

log = logging.getLogger(__name__)

# token_urlsafe(32) gives 43 characters; anything far from that shape is not one of our ids.
_SID_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}")


def new_session_id() -> str:
    """Return a fresh, unguessable session id (256 random bits)."""
    return secrets.token_urlsafe(32)


class ServerSideSession(SecureCookieSession):
    """The session dict a view sees; knows its id and whether it must be rotated or destroyed."""

    def __init__(
        self,
        initial=None,
        record: SessionRecord | None = None,
        brought_cookie: bool = False,
        unavailable: bool = False,
    ) -> None:
        super().__init__(initial)
        self.record = record
        #: The request carried a session cookie (adopted or not).
        self.brought_cookie = brought_cookie
        #: The store could not load the session: pages that need it answer 503.
        self.unavailable = unavailable
        self.rotate_requested = False
        self.destroy_requested = False

    @property
    def sid(self) -> str | None:
        """The id the client holds, or None before the session is first stored."""
        return self.record.sid if self.record else None

    @property
    def new(self) -> bool:  # SessionMixin's flag, derived instead of stored
        return self.record is None

    def rotate(self) -> None:
        """Ask for a new id at the end of this request, keeping the data (fixation defence)."""
        self.rotate_requested = True
        self.modified = True

    def destroy(self) -> None:
        """Ask for the session to be deleted on the server and in the client's cookie."""
        self.clear()
        self.destroy_requested = True


def rotate_session(session: SecureCookieSession) -> None:
    """Make sure the id the client brought does not survive (called at login)."""
    if isinstance(session, ServerSideSession):
        session.rotate()
    else:
        # A signed cookie has no id to rotate; starting from an empty session is the equivalent.
        session.clear()


def end_session(session: SecureCookieSession) -> None:
    """Destroy the session (called at logout)."""
    if isinstance(session, ServerSideSession):
        session.destroy()
    else:
        session.clear()


def forbid_caching(session: SecureCookieSession, response: Response) -> None:
    """Mark a response that read or set the session ``no-store``: it is one user's page."""
    if session.accessed or "Set-Cookie" in response.headers:
        response.headers["Cache-Control"] = "no-store"


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's own signed-cookie sessions, unchanged but for ``Cache-Control: no-store``."""

    def save_session(self, app: Flask, session, response: Response) -> None:
        """Save as Flask does, then forbid caching the response."""
        super().save_session(app, session, response)
        forbid_caching(session, response)


class ServerSideSessionInterface(SessionInterface):
    """Loads and saves sessions in a :class:`~server.stores.SessionStore` and publishes events.

    A session without ``login_key`` (a visitor who only loaded the login form) lives at most
    ``anonymous_lifetime``. An unchanged session's ``last_seen`` is written only once it moves
    the expiry by ``refresh_interval`` seconds or more (0: on every request).
    """

    session_class = ServerSideSession

    def __init__(
        self,
        store: SessionStore,
        idle_lifetime: float,
        absolute_lifetime: float,
        purge_interval: float = 60.0,
        anonymous_lifetime: float | None = None,
        refresh_interval: float = 0.0,
        login_key: str = "userid",
        health: StoreHealth | None = None,
    ) -> None:
        self.store = store
        self.idle_lifetime = idle_lifetime
        self.absolute_lifetime = absolute_lifetime
        self.purge_interval = purge_interval
        self.anonymous_lifetime = anonymous_lifetime
        self.refresh_interval = refresh_interval
        self.login_key = login_key
        self.health = health
        self._last_purge = 0.0
        self._purge_lock = threading.Lock()

    def expiry_for(self, created: float, last_seen: float, data: dict | None = None) -> float:
        """Return when a session expires: idle or absolute lifetime, whichever comes first.

        A session holding no logged-in user (``data`` without the login key) gets the shorter
        anonymous lifetime instead of the idle one.
        """
        idle = self.idle_lifetime
        if self.anonymous_lifetime is not None and data is not None and self.login_key not in data:
            idle = min(idle, self.anonymous_lifetime)
        return min(last_seen + idle, created + self.absolute_lifetime)

    def _refresh_step(self, data: dict) -> float:
        # Never more than a quarter of the session's idle lifetime: a session in use is always
        # written well before it would expire, and its idle expiry is early by this at most.
        lifetime = self.expiry_for(0.0, 0.0, data)  # measured from a session made at time 0
        return min(self.refresh_interval, max(0.0, lifetime) / 4)

    def purge_expired(self, app: Flask, now: float | None = None) -> list[SessionRecord]:
        """Delete expired sessions now and publish an ``expired`` event for each."""
        purged = self.store.purge_expired(time.time() if now is None else now)
        for record in purged:
            publish(app, SessionEvent("expired", record.sid, record))
        return purged

    def _maybe_purge(self, app: Flask, now: float) -> None:
        # At most once per interval, on a thread of its own: no request waits for a purge.
        if now - self._last_purge < self.purge_interval:
            return
        if not self._purge_lock.acquire(blocking=False):
            return
        self._last_purge = now
        threading.Thread(
            target=self._purge_in_background, args=(app, now), name="session-purge", daemon=True
        ).start()

    def _purge_in_background(self, app: Flask, now: float) -> None:
        try:
            self.purge_expired(app, now)
        except StoreUnavailable as error:
            self._failed(error)
        finally:
            self._purge_lock.release()

    def _failed(self, error: StoreUnavailable, reading: bool = False) -> None:
        if self.health is not None:
            self.health.failed(error, reading)
        else:
            log.error("%s", error)

    def _worked(self, reading: bool = False) -> None:
        if self.health is not None:
            self.health.worked(reading)

    def open_session(self, app: Flask, request: Request) -> ServerSideSession:
        """Return the stored session named by the cookie, or a new empty one."""
        now = time.time()
        self._maybe_purge(app, now)
        sid = request.cookies.get(self.get_cookie_name(app))
        session = self.session_class(brought_cookie=sid is not None)
        if sid is None or not _SID_PATTERN.fullmatch(sid):
            return session
        try:
            record = self.store.load(sid)
            if record is not None and record.is_expired(now):
                if self.store.delete(sid) is not None:
                    publish(app, SessionEvent("expired", sid, record))
                record = None
        except StoreUnavailable as error:
            self._failed(error, reading=True)
            return self.session_class(brought_cookie=True, unavailable=True)
        self._worked(reading=True)
        if record is None:
            return session
        return self.session_class(record.data, record=record, brought_cookie=True)

    def save_session(self, app: Flask, session: ServerSideSession, response: Response) -> None:
        """Store, rotate or delete the session and set or expire the cookie to match.

        A store that fails here turns the response into the 503 page: Flask saves the session
        after the view has answered, where an exception could only become a 500.
        """
        if session.accessed:
            response.vary.add("Cookie")
        if session.unavailable:
            return
        try:
            wrote = self._save(app, session, response)
        except StoreUnavailable as error:
            self._failed(error)
            response.headers.pop("Set-Cookie", None)
            become_store_unavailable(response)
        else:
            if wrote:
                self._worked()
        forbid_caching(session, response)

    def _save(self, app: Flask, session: ServerSideSession, response: Response) -> bool:
        # Returns whether the store was written to.
        now = time.time()
        if session.destroy_requested:
            removed = self.store.delete(session.sid) if session.sid else None
            if removed is not None:
                publish(app, SessionEvent("deleted", removed.sid, removed))
            if session.brought_cookie:
                self._expire_cookie(app, response)
            return session.sid is not None
        if session.record is None:
            if not session:
                # Nothing to keep. A cookie we did not adopt (unknown, expired, garbage) is stale.
                if session.brought_cookie:
                    self._expire_cookie(app, response)
                return False
            data = dict(session)
            record = SessionRecord(
                new_session_id(), data, now, now, self.expiry_for(now, now, data)
            )
            self.store.save(record, create=True)
            publish(app, SessionEvent("created", record.sid, record))
            self._set_cookie(app, response, record.sid)
            return True
        if session.rotate_requested:
            old_sid = session.sid
            data = dict(session)
            record = SessionRecord(
                new_session_id(), data, now, now, self.expiry_for(now, now, data)
            )
            self.store.rotate(old_sid, record)
            publish(app, SessionEvent("rotated", record.sid, record, old_sid=old_sid))
            self._set_cookie(app, response, record.sid)
            return True
        if not session:
            removed = self.store.delete(session.sid)
            if removed is not None:
                publish(app, SessionEvent("deleted", removed.sid, removed))
            self._expire_cookie(app, response)
            return True
        data = dict(session)
        expires = self.expiry_for(session.record.created, now, data)
        moved = expires - session.record.expires  # negative when the lifetimes were shortened
        if not session.modified and 0 <= moved < self._refresh_step(data):
            return False  # nothing changed but the clock, and not by enough to be worth a write
        record = replace(session.record, data=data, last_seen=now, expires=expires)
        # An update never re-creates a row: if a concurrent logout deleted it, it stays deleted.
        if self.store.save(record, create=False):
            publish(app, SessionEvent("changed", record.sid, record))
        return True

    def _set_cookie(self, app: Flask, response: Response, sid: str) -> None:
        # No Expires: a browser-session cookie. The server enforces both lifetimes itself.
        response.set_cookie(
            self.get_cookie_name(app),
            sid,
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
        )

    def _expire_cookie(self, app: Flask, response: Response) -> None:
        response.delete_cookie(
            self.get_cookie_name(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
        )


def make_session_interface(
    app: Flask, store: SessionStore | None, health: StoreHealth | None = None
) -> SessionInterface:
    """Return the interface for ``store``, or Flask's own signed-cookie interface when None."""
    if store is None:
        # The signed cookie carries its own time stamp; Flask refuses one older than this.
        app.permanent_session_lifetime = timedelta(seconds=app.config["SESSION_IDLE_LIFETIME"])
        return CookieSessionInterface()
    return ServerSideSessionInterface(
        store,
        idle_lifetime=app.config["SESSION_IDLE_LIFETIME"],
        absolute_lifetime=app.config["SESSION_ABSOLUTE_LIFETIME"],
        purge_interval=app.config["SESSION_PURGE_INTERVAL"],
        anonymous_lifetime=app.config["SESSION_ANONYMOUS_LIFETIME"],
        refresh_interval=app.config["SESSION_REFRESH_INTERVAL"],
        health=health,
    )
