"""The jar's side of a browser's cookie rules: applies :mod:`cookie_rules` and records why.

``http.cookiejar`` already refuses an expired cookie, a cookie for another domain and a
``Secure`` cookie over plain HTTP; this policy adds the rest of :mod:`cookie_rules` (SameSite,
cookie prefixes, Secure only from HTTPS) and records, per request, each cookie it held back and
each ``Set-Cookie`` it refused, with the reason, as browsers' developer tools show them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy

from desktop.browser.cookie_rules import (
    SAFE_METHODS,
    SECURE_OVERLAY,
    USER,
    CookieFacts,
    RequestFacts,
    domains_overlap,
    effective_same_site,
    is_secure_url,
    path_matches,
    refusal_to_send,
    refusal_to_store,
    site_of,
)

__all__ = ["SAFE_METHODS", "LabCookiePolicy", "WithheldCookie", "site_of"]


@dataclass(frozen=True)
class WithheldCookie:
    """A cookie the jar held but did not send, or a ``Set-Cookie`` it refused to store."""

    name: str
    reason: str


def extra_attributes(cookie: Cookie) -> dict[str, str | None]:
    """Return the attributes ``http.cookiejar`` keeps aside (HttpOnly, SameSite), lower-cased.

    The jar keeps them in the case the server wrote them; browsers don't care about case.
    """
    return {name.lower(): value for name, value in (cookie._rest or {}).items()}


def same_site_value(cookie: Cookie) -> str:
    """Return the cookie's SameSite as the browser applies it: Strict, Lax, None or "" (unset).

    An unset (or unknown) value acts as Lax, as in Chromium and the specification, except for
    a cookie set in the last two minutes on a top-level POST (see :mod:`cookie_rules`).
    """
    return effective_same_site(extra_attributes(cookie).get("samesite") or "")


def facts_of(cookie: Cookie) -> CookieFacts:
    """Describe a jar's cookie for the rules."""
    rest = extra_attributes(cookie)
    return CookieFacts(
        name=cookie.name,
        secure=bool(cookie.secure),
        same_site=rest.get("samesite") or "",
        domain_attribute=bool(cookie.domain_specified),
        path_attribute=cookie.path if cookie.path_specified else None,
        created=getattr(cookie, "lab_created", None),
    )


class LabCookiePolicy(DefaultCookiePolicy):
    """Browser-like keeping and sending rules; :meth:`begin_request` before each request."""

    def __init__(self) -> None:
        super().__init__()
        #: URL of the page that started the current request, or None for the user's own action.
        self.initiator: str | None = None
        self.kind = USER
        self.withheld: list[WithheldCookie] = []
        self.rejected: list[WithheldCookie] = []
        #: The jar this policy guards (see :meth:`guard`), for the rule that needs the others.
        self.jar: CookieJar | None = None

    def guard(self, jar: CookieJar) -> None:
        """Become ``jar``'s policy: it may then check a new cookie against those kept."""
        jar.set_policy(self)
        self.jar = jar

    def overlays_secure(self, cookie: Cookie, url: str) -> bool:
        """Tell whether plain http tries to replace a Secure cookie (RFC 6265bis, 5.7).

        Kept Secure cookies of the same name whose domain overlaps and whose path the new
        one's path-matches are left alone ("Leave Secure Cookies Alone"), as Chromium does.
        """
        if self.jar is None or cookie.secure or is_secure_url(url):
            return False
        return any(
            kept.name == cookie.name
            and kept.secure
            and domains_overlap(kept.domain, cookie.domain)
            and path_matches(cookie.path, kept.path)
            for kept in self.jar
        )

    def begin_request(self, initiator: str | None, kind: str = USER) -> None:
        """Start recording for one request, started by ``initiator`` as ``kind``."""
        self.initiator = initiator
        self.kind = kind
        self.withheld = []
        self.rejected = []

    def set_ok(self, cookie: Cookie, request) -> bool:
        """Decide whether to store ``cookie`` from a response to ``request``; note refusals."""
        if not super().set_ok(cookie, request):
            reason = "its Domain or Path does not fit this address"
            self.rejected.append(WithheldCookie(cookie.name, reason))
            return False
        url = request.get_full_url()
        reason = refusal_to_store(facts_of(cookie), url)
        if reason is None and self.overlays_secure(cookie, url):
            reason = SECURE_OVERLAY
        if reason:
            self.rejected.append(WithheldCookie(cookie.name, reason))
            return False
        cookie.lab_created = time.time()  # for the two-minute Lax-allowing-unsafe rule
        return True

    def return_ok(self, cookie: Cookie, request) -> bool:
        """Decide whether ``cookie`` goes with ``request``, noting the reason when it does not."""
        if not self.return_ok_expires(cookie, request):
            self._withhold(cookie, "expired: the browser keeps no expired cookie and sends none")
            return False
        facts = RequestFacts(request.get_full_url(), _method_of(request), self.initiator, self.kind)
        reason = refusal_to_send(facts_of(cookie), facts, time.time())
        if reason is None and not super().return_ok(cookie, request):
            reason = "not allowed for this request"
        if reason:
            self._withhold(cookie, reason)
            return False
        return True

    def _withhold(self, cookie: Cookie, reason: str) -> None:
        self.withheld.append(WithheldCookie(cookie.name, reason))


def _method_of(request) -> str:
    # requests hands the jar a MockRequest wrapping its PreparedRequest; urllib a Request.
    prepared = getattr(request, "_r", None)
    return (prepared.method if prepared is not None else request.get_method()).upper()
