"""A Flask ``SessionInterface`` that keeps session data on the server and only an id in the cookie.

Flask's documented extension point (``app.session_interface``) is all it takes; the default
signed-cookie interface stays available as the ``cookie`` store, unchanged, for comparison.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import replace

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionInterface

from server.events import publish
from server.records import SessionEvent, SessionRecord
from server.stores import SessionStore

# token_urlsafe(32) gives 43 characters; anything far from that shape is not one of our ids.
_SID_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}")


def new_session_id() -> str:
    """Return a fresh, unguessable session id (256 random bits)."""
    return secrets.token_urlsafe(32)


class ServerSideSession(SecureCookieSession):
    """The session dict a view sees; knows its id and whether it must be rotated or destroyed."""

    def __init__(
        self, initial=None, record: SessionRecord | None = None, brought_cookie: bool = False
    ) -> None:
        super().__init__(initial)
        self.record = record
        #: The request carried a session cookie (adopted or not).
        self.brought_cookie = brought_cookie
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


class ServerSideSessionInterface(SessionInterface):
    """Loads and saves sessions in a :class:`~server.stores.SessionStore` and publishes events."""

    session_class = ServerSideSession

    def __init__(
        self,
        store: SessionStore,
        idle_lifetime: float,
        absolute_lifetime: float,
        purge_interval: float = 60.0,
    ) -> None:
        self.store = store
        self.idle_lifetime = idle_lifetime
        self.absolute_lifetime = absolute_lifetime
        self.purge_interval = purge_interval
        self._last_purge = 0.0
        self._purge_lock = threading.Lock()

    def expiry_for(self, created: float, last_seen: float) -> float:
        """Return when a session expires: idle or absolute lifetime, whichever comes first."""
        return min(last_seen + self.idle_lifetime, created + self.absolute_lifetime)

    def purge_expired(self, app: Flask, now: float | None = None) -> list[SessionRecord]:
        """Delete expired sessions now and publish an ``expired`` event for each."""
        purged = self.store.purge_expired(time.time() if now is None else now)
        for record in purged:
            publish(app, SessionEvent("expired", record.sid, record))
        return purged

    def _maybe_purge(self, app: Flask, now: float) -> None:
        # One request at a time purges, at most once per interval; the others never wait for it.
        if now - self._last_purge < self.purge_interval:
            return
        if not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._last_purge = now
            self.purge_expired(app, now)
        finally:
            self._purge_lock.release()

    def open_session(self, app: Flask, request: Request) -> ServerSideSession:
        """Return the stored session named by the cookie, or a new empty one."""
        now = time.time()
        self._maybe_purge(app, now)
        sid = request.cookies.get(self.get_cookie_name(app))
        session = self.session_class(brought_cookie=sid is not None)
        if sid is None or not _SID_PATTERN.fullmatch(sid):
            return session
        record = self.store.load(sid)
        if record is None:
            return session
        if record.is_expired(now):
            if self.store.delete(sid) is not None:
                publish(app, SessionEvent("expired", sid, record))
            return session
        return self.session_class(record.data, record=record, brought_cookie=True)

    def save_session(self, app: Flask, session: ServerSideSession, response: Response) -> None:
        """Store, rotate or delete the session and set or expire the cookie to match."""
        if session.accessed:
            response.vary.add("Cookie")
        now = time.time()
        if session.destroy_requested:
            removed = self.store.delete(session.sid) if session.sid else None
            if removed is not None:
                publish(app, SessionEvent("deleted", removed.sid, removed))
            if session.brought_cookie:
                self._expire_cookie(app, response)
            return
        if session.record is None:
            if not session:
                # Nothing to keep. A cookie we did not adopt (unknown, expired, garbage) is stale.
                if session.brought_cookie:
                    self._expire_cookie(app, response)
                return
            record = SessionRecord(
                new_session_id(), dict(session), now, now, self.expiry_for(now, now)
            )
            self.store.save(record, create=True)
            publish(app, SessionEvent("created", record.sid, record))
            self._set_cookie(app, response, record.sid)
            return
        if session.rotate_requested:
            old_sid = session.sid
            record = SessionRecord(
                new_session_id(), dict(session), now, now, self.expiry_for(now, now)
            )
            self.store.rotate(old_sid, record)
            publish(app, SessionEvent("rotated", record.sid, record, old_sid=old_sid))
            self._set_cookie(app, response, record.sid)
            return
        if not session:
            removed = self.store.delete(session.sid)
            if removed is not None:
                publish(app, SessionEvent("deleted", removed.sid, removed))
            self._expire_cookie(app, response)
            return
        record = replace(
            session.record,
            data=dict(session),
            last_seen=now,
            expires=self.expiry_for(session.record.created, now),
        )
        # An update never re-creates a row: if a concurrent logout deleted it, it stays deleted.
        if self.store.save(record, create=False):
            publish(app, SessionEvent("changed", record.sid, record))

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


def make_session_interface(app: Flask, store: SessionStore | None) -> SessionInterface:
    """Return the interface for ``store``, or Flask's own signed-cookie interface when None."""
    if store is None:
        return SecureCookieSessionInterface()
    return ServerSideSessionInterface(
        store,
        idle_lifetime=app.config["SESSION_IDLE_LIFETIME"],
        absolute_lifetime=app.config["SESSION_ABSOLUTE_LIFETIME"],
        purge_interval=app.config["SESSION_PURGE_INTERVAL"],
    )
