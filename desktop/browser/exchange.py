"""Plain records of what crossed the wire: cookies, and one HTTP request with its response."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import Cookie, CookieJar, http2time

from desktop.browser.cookie_policy import WithheldCookie, extra_attributes


@dataclass(frozen=True)
class CookieRow:
    """One cookie in the client's jar, with the columns of a browser's developer tools."""

    name: str
    value: str
    domain: str
    path: str
    expires: float | None  # None: a session cookie, kept until the browser closes
    http_only: bool
    secure: bool
    same_site: str

    @property
    def size(self) -> int:
        """Bytes of name and value, as browsers count it."""
        return len(self.name) + len(self.value)

    @property
    def expires_text(self) -> str:
        """``Session`` for session cookies, otherwise the expiry time in UTC."""
        if self.expires is None:
            return "Session"
        return datetime.fromtimestamp(self.expires, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies a cookie in a jar: domain, path and name."""
        return (self.domain, self.path, self.name)

    @classmethod
    def from_cookie(cls, cookie: Cookie) -> CookieRow:
        """Describe an :mod:`http.cookiejar` cookie."""
        rest = extra_attributes(cookie)
        return cls(
            name=cookie.name,
            value=cookie.value or "",
            domain=cookie.domain,
            path=cookie.path,
            expires=cookie.expires,
            http_only="httponly" in rest,
            secure=bool(cookie.secure),
            same_site=rest.get("samesite") or "",
        )


def jar_rows(jar: CookieJar) -> tuple[CookieRow, ...]:
    """Return the jar's cookies as rows, in a stable order."""
    return tuple(sorted((CookieRow.from_cookie(c) for c in jar), key=lambda row: row.key))


@dataclass(frozen=True)
class JarChange:
    """A cookie that appeared, changed or went away during one exchange."""

    kind: str  # "added", "changed" or "removed"
    name: str
    old_value: str | None
    new_value: str | None


def jar_changes(before: tuple[CookieRow, ...], after: tuple[CookieRow, ...]) -> list[JarChange]:
    """Compare two jar snapshots."""
    old = {row.key: row for row in before}
    new = {row.key: row for row in after}
    changes = []
    for key, row in new.items():
        if key not in old:
            changes.append(JarChange("added", row.name, None, row.value))
        elif old[key] != row:
            changes.append(JarChange("changed", row.name, old[key].value, row.value))
    for key, row in old.items():
        if key not in new:
            changes.append(JarChange("removed", row.name, row.value, None))
    return changes


@dataclass(frozen=True)
class SetCookie:
    """One ``Set-Cookie`` header, split into its name, value and attributes."""

    name: str
    value: str
    attributes: dict[str, str]

    def expires_at(self, received: float) -> float | None:
        """When the cookie expires, for a header received at ``received``; None: session cookie.

        Decided as ``http.cookiejar`` and browsers decide: a valid Max-Age wins over Expires.
        """
        max_age = self.attributes.get("max-age", "")
        if max_age.lstrip("-").isdigit():
            return received + int(max_age)
        return http2time(self.attributes.get("expires", ""))

    @property
    def deletes(self) -> bool:
        """Whether the header tells the browser to drop the cookie (expiry in the past)."""
        now = time.time()
        expires = self.expires_at(now)
        return expires is not None and expires <= now

    @classmethod
    def parse(cls, header: str) -> SetCookie:
        """Split a ``Set-Cookie`` header; attribute names are lower-cased."""
        first, *rest = header.split(";")
        name, _, value = first.partition("=")
        attributes = {}
        for part in rest:
            key, _, val = part.strip().partition("=")
            if key:
                attributes[key.lower()] = val
        return cls(name.strip(), value.strip(), attributes)


def cookie_pairs(header: str | None) -> list[tuple[str, str]]:
    """Split a request's ``Cookie`` header into its name/value pairs, duplicates included."""
    pairs = []
    for part in (header or "").split(";"):
        name, sep, value = part.partition("=")
        if sep:
            pairs.append((name.strip(), value.strip()))
    return pairs


def parse_cookie_header(header: str | None) -> dict[str, str]:
    """Split a request's ``Cookie`` header into a mapping of name to value."""
    cookies: dict[str, str] = {}
    for name, value in cookie_pairs(header):
        # The first of two same-named cookies is the one the server reads (werkzeug does so).
        cookies.setdefault(name, value)
    return cookies


def header_value(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    """Return the first value of header ``name`` (any case), or None."""
    name = name.lower()
    return next((value for key, value in headers if key.lower() == name), None)


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, one hop of a navigation (redirects are separate)."""

    number: int
    method: str
    url: str
    path: str
    status: int
    reason: str
    request_headers: tuple[tuple[str, str], ...]
    response_headers: tuple[tuple[str, str], ...]
    request_body: str
    response_body: str
    jar_before: tuple[CookieRow, ...]
    jar_after: tuple[CookieRow, ...]
    started: float = field(default_factory=time.time)
    elapsed: float = 0.0
    #: Cookies the jar held but did not send, with the reason (expired, Secure, SameSite).
    cookies_withheld: tuple[WithheldCookie, ...] = ()
    #: The page of another site that started this request, if one did.
    initiator: str | None = None
    #: How it was started: by the user, a top-level navigation, or an embedded resource
    #: (see :mod:`desktop.browser.cookie_rules`).
    kind: str = "user"
    #: ``Set-Cookie`` headers the browser refused to store, with the reason (prefixes, Secure).
    cookies_rejected: tuple[WithheldCookie, ...] = ()
    #: Why the server that answered was replaced while the request ran (a restart, a store
    #: switch); its store changes were not followed, so the narration must not guess them.
    interrupted_by: str | None = None

    @property
    def cookies_sent(self) -> dict[str, str]:
        """Cookies the request carried in its ``Cookie`` header."""
        return parse_cookie_header(header_value(self.request_headers, "cookie"))

    @property
    def cookies_set(self) -> list[SetCookie]:
        """The response's ``Set-Cookie`` headers."""
        return [SetCookie.parse(v) for k, v in self.response_headers if k.lower() == "set-cookie"]

    @property
    def location(self) -> str | None:
        """Where a redirect points, or None."""
        return header_value(self.response_headers, "location")

    @property
    def jar_changes(self) -> list[JarChange]:
        """What this exchange did to the client's cookie jar."""
        return jar_changes(self.jar_before, self.jar_after)
