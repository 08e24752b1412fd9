"""The lab's browser's HSTS list: hosts it reaches over https only, as browsers keep one.

Fed only by the lab's stand-in header (:data:`server.lab_hsts.LAB_HEADER`) on an https answer:
a real ``Strict-Transport-Security`` for ``127.0.0.1`` would stick in a real browser, so the lab
never sends one (see :mod:`server.lab_hsts`). Heard over plain http it is ignored, as browsers
ignore it there: anyone on the network could have sent it. One simplification, said in the
narration: real browsers keep no HSTS for an IP address (RFC 6797, section 8.1), only for names;
the lab's browser keeps it for 127.0.0.1 too, so that the lesson runs on the lab's own address.
Plain Python, no Qt.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from desktop.browser.exchange import CookieRow, Exchange
from server.lab_hsts import LAB_HEADER

__all__ = ["LAB_HEADER", "HstsList", "internal_redirect", "max_age_of", "upgraded"]

_MAX_AGE = re.compile(r"(?:^|;)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:;|$)", re.IGNORECASE)

#: What Chrome's developer tools show for an upgrade the browser made without asking anyone.
INTERNAL_REDIRECT = (307, "Internal Redirect")
REASON_HEADER = ("Non-Authoritative-Reason", "HSTS")


def max_age_of(value: str) -> int | None:
    """Return the header's ``max-age`` in seconds, or None when it has none (it is ignored)."""
    match = _MAX_AGE.search(value)
    return int(match.group(1)) if match else None


class HstsList:
    """Host names the browser upgrades to https, each until its expiry (epoch seconds)."""

    def __init__(self) -> None:
        self.hosts: dict[str, float] = {}

    def note(self, url: str, value: str | None, now: float) -> None:
        """Take in the header ``value`` from an answer to ``url`` (None: it had none)."""
        parts = urlsplit(url)
        if value is None or parts.scheme != "https" or not parts.hostname:
            return
        max_age = max_age_of(value)
        if max_age is None:
            return
        if max_age == 0:  # "max-age=0": forget this host
            self.hosts.pop(parts.hostname, None)
        else:
            self.hosts[parts.hostname] = now + max_age

    def covers(self, url: str, now: float) -> bool:
        """Tell whether ``url`` is plain http to a host on the list (and not yet expired)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        expires = self.hosts.get(host)
        if expires is not None and expires <= now:
            del self.hosts[host]
            return False
        return parts.scheme == "http" and expires is not None

    def clear(self) -> None:
        """Forget every host (clearing site data does, in Chrome and Firefox)."""
        self.hosts.clear()


def upgraded(url: str, http_origin: str, https_origin: str | None) -> str:
    """Return ``url`` over https: on the lab's https port if ``url`` is on its http one.

    A real site serves both on their default ports, so only the scheme changes; the lab has
    two ports on one host, so its browser moves the port along (the one simplification).
    """
    parts = urlsplit(url)
    if https_origin is not None and parts.netloc == urlsplit(http_origin).netloc:
        return urlunsplit(parts._replace(scheme="https", netloc=urlsplit(https_origin).netloc))
    return urlunsplit(parts._replace(scheme="https"))


def internal_redirect(
    number: int, method: str, url: str, target: str, jar: tuple[CookieRow, ...]
) -> Exchange:
    """The upgrade as Chrome's developer tools show it: a 307 "Internal Redirect" to
    ``target`` that never left the browser (no request headers, the jar untouched)."""
    return Exchange(
        number=number,
        method=method,
        url=url,
        path=urlsplit(url).path or "/",
        status=INTERNAL_REDIRECT[0],
        reason=INTERNAL_REDIRECT[1],
        request_headers=(),
        response_headers=(("Location", target), REASON_HEADER),
        request_body="",
        response_body="",
        jar_before=jar,
        jar_after=jar,
    )
