"""A browser's cookie rules as plain functions: which cookies it keeps, and which it sends.

Written after the cookie specification's current draft (RFC 6265bis) and checked against
Chromium on the same cases (``tests/server/test_cookie_rules_chromium.py``). Each rule returns
the reason a browser's developer tools give when it refuses, or None when it allows.

One simplification, said wherever it shows: the lab's browser counts only ``https`` as secure.
Real browsers also trust ``http://localhost`` and ``http://127.0.0.1`` as if they were HTTPS,
which would hide every Secure rule in a lab that runs on this machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SAME_SITE_VALUES = ("Strict", "Lax", "None")

#: How long a cookie without SameSite may still ride a cross-site top-level POST (Chromium's
#: "Lax-allowing-unsafe", which the specification allows): two minutes after it was set.
LAX_ALLOWING_UNSAFE_SECONDS = 120

#: What started a request: the user (typing, a bookmark), a top-level navigation from a page
#: (a link or a form), or a resource a page embeds (an image).
USER, NAVIGATION, SUBRESOURCE = "user", "navigation", "subresource"

LOCALHOST_NOTE = (
    " (Real browsers trust http://localhost and 127.0.0.1 as if they were HTTPS; the lab's "
    "browser acts as it would on a real site.)"
)


@dataclass(frozen=True)
class CookieFacts:
    """What the rules need to know about one cookie, as the server set it."""

    name: str
    secure: bool = False
    #: The SameSite attribute as written, or "" when there was none.
    same_site: str = ""
    domain_attribute: bool = False
    #: The Path attribute as written, or None when there was none.
    path_attribute: str | None = None
    #: When the browser stored it (epoch seconds), or None when unknown (set by hand).
    created: float | None = None


@dataclass(frozen=True)
class RequestFacts:
    """What the rules need to know about one request."""

    url: str
    method: str = "GET"
    #: The page that started it (None: the user did), and how (see USER, NAVIGATION...).
    initiator: str | None = None
    kind: str = USER


def is_secure_url(url: str) -> bool:
    """Tell whether ``url`` is HTTPS: the only secure scheme to the lab's browser."""
    return urlsplit(url).scheme == "https"


def site_of(url: str) -> str:
    """Return the site of a URL as browsers count it (schemeful): scheme and host, no port.

    The lab's hosts are names with no registrable domain above them (127.0.0.1, localhost),
    so the host stands for the registrable domain.
    """
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}"


def effective_same_site(same_site: str) -> str:
    """Return Strict, Lax or None; a missing or unknown value counts as "" (unset)."""
    value = same_site.strip().capitalize()
    return value if value in SAME_SITE_VALUES else ""


def refusal_to_store(cookie: CookieFacts, url: str) -> str | None:
    """Say why a browser refuses to store ``cookie`` set by a response from ``url``, or None."""
    secure_origin = is_secure_url(url)
    name = cookie.name.lower()
    if cookie.secure and not secure_origin:
        return "Secure, but set over plain HTTP: only an HTTPS response may set it" + (
            LOCALHOST_NOTE
        )
    if effective_same_site(cookie.same_site) == "None" and not cookie.secure:
        return "SameSite=None without Secure: browsers refuse it"
    if name.startswith("__secure-") and not cookie.secure:
        return "__Secure- prefix: the cookie must be Secure and set over HTTPS"
    if name.startswith("__host-"):
        if not cookie.secure:
            return "__Host- prefix: the cookie must be Secure and set over HTTPS"
        if cookie.domain_attribute:
            return "__Host- prefix: the cookie must not name a Domain (it stays on this host)"
        if cookie.path_attribute != "/":
            return "__Host- prefix: the cookie must say Path=/"
    return None


#: Why plain http may not replace a Secure cookie ("Leave Secure Cookies Alone").
SECURE_OVERLAY = (
    "a Secure cookie of this name is already kept for this site: a plain HTTP response may "
    "not overwrite it" + LOCALHOST_NOTE
)


def domains_overlap(first: str, second: str) -> bool:
    """Tell whether two cookie domains domain-match one way or the other (dots ignored)."""
    a, b = first.lstrip(".").lower(), second.lstrip(".").lower()
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def path_matches(path: str, cookie_path: str) -> bool:
    """Tell whether ``path`` path-matches ``cookie_path`` (RFC 6265bis, section 5.1.4)."""
    if path == cookie_path:
        return True
    return path.startswith(cookie_path) and (
        cookie_path.endswith("/") or path[len(cookie_path)] == "/"
    )


def refusal_to_send(cookie: CookieFacts, request: RequestFacts, now: float) -> str | None:
    """Say why a browser holds ``cookie`` back from ``request``, or None if it sends it.

    Expiry, domain and path are the jar's own business; this adds Secure and SameSite.
    """
    if cookie.secure and not is_secure_url(request.url):
        return "Secure: only sent over HTTPS, and this request is plain HTTP" + LOCALHOST_NOTE
    if request.initiator is None or site_of(request.initiator) == site_of(request.url):
        return None
    same_site = effective_same_site(cookie.same_site)
    method = request.method.upper()
    if same_site == "None":
        return None
    if same_site == "Strict":
        return "SameSite=Strict: never sent on a request another site started"
    top_level_safe = request.kind == NAVIGATION and method in SAFE_METHODS
    if top_level_safe:
        return None
    what = (
        "an image or other resource another site's page embeds"
        if request.kind == SUBRESOURCE
        else f"a cross-site {method}"
    )
    if same_site == "Lax":
        return f"SameSite=Lax: not sent on {what}"
    # No SameSite: Lax by default, except for a cookie just set, on a top-level POST.
    fresh = cookie.created is not None and now - cookie.created < LAX_ALLOWING_UNSAFE_SECONDS
    if request.kind == NAVIGATION and fresh:
        return None
    return f"no SameSite, so treated as Lax: not sent on {what}"
