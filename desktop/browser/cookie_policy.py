"""The cookie rules a browser applies that ``http.cookiejar`` lacks, and why a cookie stayed home.

``http.cookiejar`` already refuses to send an expired cookie or a ``Secure`` cookie over plain
HTTP; this policy adds ``SameSite`` for requests started by another site's page, and records
each cookie it held back with the reason, as browsers' developer tools show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookiejar import Cookie, DefaultCookiePolicy
from urllib.parse import urlsplit

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class WithheldCookie:
    """A cookie the jar held but did not send with a request."""

    name: str
    reason: str


def site_of(url: str) -> str:
    """Return the site of a URL as the lab counts it: scheme and host (the port does not count)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}"


def extra_attributes(cookie: Cookie) -> dict[str, str | None]:
    """Return the attributes ``http.cookiejar`` keeps aside (HttpOnly, SameSite), lower-cased.

    The jar keeps them in the case the server wrote them; browsers don't care about case.
    """
    return {name.lower(): value for name, value in (cookie._rest or {}).items()}


def same_site_value(cookie: Cookie) -> str:
    """Return the cookie's SameSite attribute; a missing one counts as Lax, as in Chromium.

    (Firefox and Safari still treat a missing SameSite as None; the lab's cookies all say Lax.)
    """
    return (extra_attributes(cookie).get("samesite") or "Lax").capitalize()


class LabCookiePolicy(DefaultCookiePolicy):
    """Browser-like sending rules; set :attr:`initiator` around a request another site started."""

    def __init__(self) -> None:
        super().__init__()
        #: URL of the page that started the current request, or None for the user's own action.
        self.initiator: str | None = None
        self.withheld: list[WithheldCookie] = []

    def begin_request(self, initiator: str | None) -> None:
        """Start recording for one request."""
        self.initiator = initiator
        self.withheld = []

    def return_ok(self, cookie: Cookie, request) -> bool:
        """Decide whether ``cookie`` goes with ``request``, noting the reason when it does not."""
        if not super().return_ok(cookie, request):
            self.withheld.append(WithheldCookie(cookie.name, self._why_not(cookie, request)))
            return False
        reason = self._same_site_refusal(cookie, request)
        if reason:
            self.withheld.append(WithheldCookie(cookie.name, reason))
            return False
        return True

    def _why_not(self, cookie: Cookie, request) -> str:
        if not self.return_ok_expires(cookie, request):
            return "expired: the browser keeps no expired cookie and sends none"
        if not self.return_ok_secure(cookie, request):
            return "Secure: only sent over HTTPS, and this request is plain HTTP"
        return "not allowed for this request"

    def _same_site_refusal(self, cookie: Cookie, request) -> str | None:
        if self.initiator is None or site_of(self.initiator) == site_of(request.get_full_url()):
            return None
        same_site = same_site_value(cookie)
        method = _method_of(request)
        if same_site == "Strict":
            return "SameSite=Strict: never sent on a request another site started"
        if same_site == "Lax" and method not in SAFE_METHODS:
            return f"SameSite=Lax: not sent on a cross-site {method}"
        return None


def _method_of(request) -> str:
    # requests hands the jar a MockRequest wrapping its PreparedRequest; urllib a Request.
    prepared = getattr(request, "_r", None)
    return (prepared.method if prepared is not None else request.get_method()).upper()
