"""Remember me: a persistent cookie that logs a user back in once the session cookie is gone.

Off unless ``REMEMBER_ME`` is set (the desktop lab's switch): without it the login form and
every page are the tutorial's. On, the login form offers a "Remember me" box; ticking it gives
the browser a second cookie, ``remember_token``, that lives ``REMEMBER_ME_LIFETIME`` seconds
(Max-Age) and holds ``selector:validator``:

- the *selector* names a row of the token store (it is looked up, so it is not secret);
- the *validator* is a secret, stored only as its SHA-256 hash (a stolen store does not give
  working cookies) and compared in constant time;
- each use gives a new validator (the same selector), so a copied cookie works once;
- a known selector with a wrong validator is an *old* validator replayed: someone used a copy
  of the cookie before. The store then revokes every token of that user (theft detection).

Tokens live in memory, per app: a restart forgets them, as it forgets the memory store's
sessions. Plain Python, no Qt; changes are published on :data:`remember_changed`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass, replace

from blinker import Namespace
from flask import Flask, current_app, g, request, session

from server.session_interface import rotate_session

log = logging.getLogger(__name__)

COOKIE_NAME = "remember_token"
LIFETIME = 14 * 24 * 60 * 60  # two weeks, a common choice
FIELD = "remember"
SESSION_KEY = "userid"  # the tutorial's key (server.views.SESSION_KEY)
#: What the session says when it was restored from a remember cookie (the store view shows it).
RESTORED_KEY = "remembered"

_signals = Namespace()
#: The remember-token store changed; sent with the app as sender and ``change`` (a
#: :class:`TokenChange`) as keyword. Receivers run on the request's thread.
remember_changed = _signals.signal("remember-changed")


@dataclass(frozen=True)
class RememberToken:
    """One row of the token store, as the store view shows it: never the validator itself."""

    selector: str
    userid: str
    validator_hash: str
    created: float
    expires: float
    #: How many times a validator of this selector was used (each use rotates it).
    uses: int = 0


@dataclass(frozen=True)
class TokenChange:
    """What happened to the store: ``issued``, ``used``, ``revoked``, ``expired``, ``theft``."""

    kind: str
    userid: str
    selectors: tuple[str, ...]


@dataclass(frozen=True)
class CheckResult:
    """What a presented cookie was worth: ``ok`` (with the new cookie value) or a refusal."""

    outcome: str  # ok, malformed, unknown, expired, theft
    userid: str | None = None
    cookie_value: str | None = None


def _hash(validator: str) -> str:
    return hashlib.sha256(validator.encode()).hexdigest()


class RememberStore:
    """The server's remember tokens, by selector; safe to use from many request threads."""

    def __init__(self) -> None:
        self._tokens: dict[str, RememberToken] = {}
        self._lock = threading.Lock()

    def tokens(self) -> list[RememberToken]:
        """Return a snapshot of every token, oldest first."""
        with self._lock:
            return sorted(self._tokens.values(), key=lambda token: token.created)

    def issue(self, userid: str, lifetime: float, now: float | None = None) -> str:
        """Store a new token for ``userid``; return the cookie value ``selector:validator``."""
        now = time.time() if now is None else now
        selector, validator = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
        token = RememberToken(selector, userid, _hash(validator), now, now + lifetime)
        with self._lock:
            self._tokens[selector] = token
        return f"{selector}:{validator}"

    def check(self, value: str, lifetime: float, now: float | None = None) -> CheckResult:
        """Check a presented cookie value; on success rotate its validator (see module doc)."""
        now = time.time() if now is None else now
        selector, sep, validator = value.partition(":")
        if not sep or not selector or not validator or len(value) > 200:
            return CheckResult("malformed")
        with self._lock:
            token = self._tokens.get(selector)
            if token is None:
                return CheckResult("unknown")
            if token.expires <= now:
                del self._tokens[selector]
                return CheckResult("expired", token.userid)
            if not hmac.compare_digest(token.validator_hash, _hash(validator)):
                self._revoke_user(token.userid)
                return CheckResult("theft", token.userid)
            fresh = secrets.token_urlsafe(32)
            self._tokens[selector] = replace(
                token, validator_hash=_hash(fresh), expires=now + lifetime, uses=token.uses + 1
            )
        return CheckResult("ok", token.userid, f"{selector}:{fresh}")

    def revoke(self, value: str) -> RememberToken | None:
        """Forget the token a cookie value names (at logout); return it, or None."""
        selector = value.partition(":")[0]
        with self._lock:
            return self._tokens.pop(selector, None)

    def revoke_user(self, userid: str) -> list[str]:
        """Forget every token of ``userid``; return their selectors."""
        with self._lock:
            return self._revoke_user(userid)

    def _revoke_user(self, userid: str) -> list[str]:
        selectors = [s for s, token in self._tokens.items() if token.userid == userid]
        for selector in selectors:
            del self._tokens[selector]
        return selectors


def store_of(app: Flask) -> RememberStore:
    """Return the app's remember-token store."""
    return app.extensions["remember_me"]


def offered(app: Flask | None = None) -> bool:
    """Whether the login form offers "Remember me" (the lab's switch)."""
    return bool((app or current_app).config.get("REMEMBER_ME", False))


def _lifetime() -> float:
    return float(current_app.config.get("REMEMBER_ME_LIFETIME", LIFETIME))


def _publish(kind: str, userid: str, *selectors: str) -> None:
    change = TokenChange(kind, userid, tuple(selectors))
    remember_changed.send(current_app._get_current_object(), change=change)


def on_login(userid: str) -> None:
    """After a successful login: issue a token if the box was ticked (call from the view)."""
    if not offered() or request.form.get(FIELD) not in ("y", "on", "1", "true"):
        return
    value = store_of(current_app).issue(userid, _lifetime())
    g.remember_cookie = value
    _publish("issued", userid, value.partition(":")[0])


def on_logout() -> None:
    """At logout: forget this browser's token and tell it to drop the cookie."""
    value = request.cookies.get(COOKIE_NAME)
    if value is None:
        return
    token = store_of(current_app).revoke(value)
    g.remember_cookie = ""
    if token is not None:
        _publish("revoked", token.userid, token.selector)


def _restore_from_cookie() -> None:
    """Before a request with no logged-in session: log the user in from a remember cookie."""
    value = request.cookies.get(COOKIE_NAME)
    if value is None or session.get(SESSION_KEY) is not None or not offered():
        return
    if request.endpoint in (None, "app_sessions.logout", "static"):
        return  # logging in only to log out again would be noise; unknown URLs are 404s
    result = store_of(current_app).check(value, _lifetime())
    if result.outcome != "ok":
        g.remember_cookie = ""  # a dead cookie is dropped
        if result.outcome == "theft":
            log.warning("remember-me: an old validator was replayed for %r", result.userid)
            _publish("theft", result.userid)
        elif result.outcome == "expired":
            _publish("expired", result.userid, value.partition(":")[0])
        return
    # A new session, as at login: the id the browser had (if any) is not trusted.
    rotate_session(session)
    session[SESSION_KEY] = result.userid
    session[RESTORED_KEY] = True
    g.remember_cookie = result.cookie_value
    _publish("used", result.userid, value.partition(":")[0])


def _write_cookie(response):
    value = g.pop("remember_cookie", None)
    if value is None:
        return response
    config = current_app.config
    if value == "":
        response.delete_cookie(
            COOKIE_NAME,
            path="/",
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    else:
        response.set_cookie(
            COOKIE_NAME,
            value,
            max_age=int(_lifetime()),
            path="/",
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def init_app(app: Flask) -> None:
    """Give ``app`` a token store and the hooks that read and write the remember cookie."""
    app.extensions["remember_me"] = RememberStore()
    app.before_request(_restore_from_cookie)
    app.after_request(_write_cookie)
