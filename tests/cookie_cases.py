"""The cookie rules as a table of cases from the cookie specification (RFC 6265bis).

Shared by the lab browser's own test (``tests/desktop/browser/test_cookie_rules.py``) and the
real-Chromium test (``tests/server/test_cookie_rules_chromium.py``), which checks that the lab's
browser and Chromium agree on every one. ``lab.test`` and ``other.test`` are two sites (both
resolve to 127.0.0.1 in the Chromium test); ``lab.test`` over plain HTTP is not a secure
context, unlike ``localhost``, which browsers trust as if it were HTTPS.
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from email.message import Message
from http.cookiejar import CookieJar

from desktop.browser.cookie_policy import LabCookiePolicy
from desktop.browser.cookie_rules import NAVIGATION, SUBRESOURCE, USER

LAB_HOST = "lab.test"
OTHER_HOST = "other.test"


@dataclass(frozen=True)
class StoreCase:
    """A ``Set-Cookie`` header received over ``scheme``: is the cookie kept?"""

    header: str
    scheme: str
    kept: bool
    rule: str  # the section or rule of RFC 6265bis it shows

    @property
    def name(self) -> str:
        """The cookie's name."""
        return self.header.split("=", 1)[0]


def _both(header: str, kept_http: bool, kept_https: bool, rule: str) -> list[StoreCase]:
    return [
        StoreCase(header, "http", kept_http, rule),
        StoreCase(header, "https", kept_https, rule),
    ]


STORE_CASES = [
    *_both("a=1", True, True, "a plain cookie"),
    *_both("a=1; Secure", False, True, "Secure only from a secure origin"),
    *_both("a=1; SameSite=None", False, False, "SameSite=None needs Secure"),
    *_both("a=1; SameSite=None; Secure", False, True, "SameSite=None; Secure over HTTPS"),
    *_both("a=1; SameSite=Bogus", True, True, "an unknown SameSite counts as unset"),
    *_both("__Secure-a=1", False, False, "__Secure- needs Secure"),
    *_both("__Secure-a=1; Secure", False, True, "__Secure- with Secure over HTTPS"),
    *_both("__secure-a=1", False, False, "prefixes match in any case"),
    *_both("__Host-a=1; Secure; Path=/", False, True, "__Host- with all it needs"),
    *_both("__Host-a=1; Secure", False, False, "__Host- needs Path=/"),
    *_both("__Host-a=1; Path=/", False, False, "__Host- needs Secure"),
    *_both("__host-a=1; Path=/", False, False, "prefixes match in any case"),
    *_both(
        f"__Host-a=1; Secure; Path=/; Domain={LAB_HOST}",
        False,
        False,
        "__Host- must not name a Domain",
    ),
    *_both(f"a=1; Domain={LAB_HOST}", True, True, "Domain naming this host"),
    *_both("a=1; Domain=example.com", False, False, "a Domain not of this host"),
    *_both("a=1; Path=/echo", True, True, "a Path"),
    *_both("a=1; Max-Age=0", False, False, "Max-Age 0 expires at once"),
    *_both("a=1; Max-Age=-5", False, False, "a negative Max-Age expires at once"),
    *_both("a=1; Max-Age=3600", True, True, "a persistent cookie"),
    *_both("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", False, False, "Expires in the past"),
    *_both(
        "a=1; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=0",
        False,
        False,
        "Max-Age wins over Expires",
    ),
]


#: The cookies the sending cases start from (set over HTTPS, so that all of them are kept).
JAR = {
    "strict": "strict=1; SameSite=Strict; Path=/",
    "lax": "lax=1; SameSite=Lax; Path=/",
    "unset": "unset=1; Path=/",
    "none": "none=1; SameSite=None; Secure; Path=/",
    "secure": "secure=1; Secure; Path=/",
}


@dataclass(frozen=True)
class SendCase:
    """A request to the lab over ``scheme``, started by ``how``: which of :data:`JAR` go?"""

    how: str  # "user" (typed), "link" (top-level GET), "form" (top-level POST), "image"
    scheme: str
    sent: frozenset[str]
    rule: str


SEND_CASES = [
    SendCase("user", "https", frozenset(JAR), "a same-site request carries all"),
    SendCase("user", "http", frozenset({"strict", "lax", "unset"}), "Secure needs HTTPS"),
    SendCase(
        "link",
        "https",
        frozenset({"lax", "unset", "none", "secure"}),
        "Lax goes on a top-level cross-site GET; Strict does not",
    ),
    SendCase(
        "form",
        "https",
        # "unset" and "secure" are two seconds old: Lax-allowing-unsafe lets a
        # cookie without SameSite ride a top-level POST in its first two minutes.
        frozenset({"unset", "secure", "none"}),
        "Lax stays home on a cross-site POST",
    ),
    SendCase("image", "https", frozenset({"none"}), "only None goes on embedded requests"),
    SendCase("link", "http", frozenset({"lax", "unset"}), "Lax on a top-level GET, over HTTP"),
    SendCase("form", "http", frozenset({"unset"}), "Lax-allowing-unsafe, over HTTP"),
    SendCase("image", "http", frozenset(), "nothing on an embedded request over HTTP"),
]


@dataclass(frozen=True)
class OverwriteCase:
    """``a=1`` set by ``first`` over ``first_scheme``, then ``second`` over ``second_scheme``:
    which values of ``a`` does the browser keep?"""

    first_scheme: str
    first: str
    second_scheme: str
    second: str
    kept: frozenset[str]
    rule: str


OVERWRITE_CASES = [
    OverwriteCase(
        "https",
        "a=1; Secure; Path=/",
        "http",
        "a=2; Path=/",
        frozenset({"1"}),
        "plain HTTP may not overwrite a Secure cookie",
    ),
    OverwriteCase(
        "https",
        "a=1; Secure; Path=/",
        "http",
        "a=2; Path=/echo",
        frozenset({"1"}),
        "nor shadow it with a deeper Path",
    ),
    OverwriteCase(
        "https",
        "a=1; Secure; Path=/",
        "https",
        "a=2; Path=/",
        frozenset({"2"}),
        "HTTPS may replace it, even with a cookie that is not Secure",
    ),
    OverwriteCase(
        "http",
        "a=1; Path=/",
        "https",
        "a=2; Secure; Path=/",
        frozenset({"2"}),
        "HTTPS replaces a plain cookie with a Secure one",
    ),
    OverwriteCase(
        "http",
        "a=1; Path=/",
        "http",
        "a=2; Path=/",
        frozenset({"2"}),
        "plain HTTP replaces a plain cookie",
    ),
]


class _Response:
    """What ``CookieJar.extract_cookies`` reads of a response: its headers."""

    def __init__(self, headers: list[str]) -> None:
        self._message = Message()
        for header in headers:
            self._message["Set-Cookie"] = header

    def info(self) -> Message:
        return self._message


class LabJar:
    """The lab browser's jar and policy, fed responses and asked for Cookie headers."""

    def __init__(self) -> None:
        self.policy = LabCookiePolicy()
        self.jar = CookieJar()
        self.policy.guard(self.jar)

    def receive(self, url: str, headers: list[str]) -> None:
        """Take the ``Set-Cookie`` headers of a response from ``url``."""
        self.policy.begin_request(None)
        self.jar.extract_cookies(_Response(headers), urllib.request.Request(url))

    def names(self) -> set[str]:
        """The names of the cookies kept."""
        return {cookie.name for cookie in self.jar}

    def sent(self, case: SendCase) -> set[str]:
        """Which cookies go with the request ``case`` describes."""
        other_page = f"http://{OTHER_HOST}/attack"
        method, initiator, kind = {
            "user": ("GET", None, USER),
            "link": ("GET", other_page, NAVIGATION),
            "form": ("POST", other_page, NAVIGATION),
            "image": ("GET", other_page, SUBRESOURCE),
        }[case.how]
        request = urllib.request.Request(f"{case.scheme}://{LAB_HOST}/echo", method=method)
        self.policy.begin_request(initiator, kind)
        self.jar.add_cookie_header(request)
        header = request.get_header("Cookie") or ""
        return {pair.split("=", 1)[0] for pair in header.split("; ") if pair}


def lab_keeps(case: StoreCase) -> bool:
    """Whether the lab's browser keeps the cookie of ``case``."""
    jar = LabJar()
    jar.receive(f"{case.scheme}://{LAB_HOST}/set", [case.header])
    return case.name in jar.names()


def lab_overwrite(case: OverwriteCase) -> set[str]:
    """The values of ``a`` the lab's browser keeps after the two responses of ``case``."""
    jar = LabJar()
    jar.receive(f"{case.first_scheme}://{LAB_HOST}/set", [case.first])
    jar.receive(f"{case.second_scheme}://{LAB_HOST}/set", [case.second])
    return {cookie.value for cookie in jar.jar if cookie.name == "a"}


def lab_sends(case: SendCase) -> set[str]:
    """Which of :data:`JAR` the lab's browser sends in ``case`` (the jar filled over HTTPS)."""
    jar = LabJar()
    jar.receive(f"https://{LAB_HOST}/set", list(JAR.values()))
    return jar.sent(case)
