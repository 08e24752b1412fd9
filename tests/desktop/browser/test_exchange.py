"""The plain records of what crossed the wire: cookie rows, jar changes and cookie headers."""

from __future__ import annotations

import urllib.request
from email.message import Message
from http.cookiejar import Cookie, CookieJar
from types import SimpleNamespace

import pytest

from desktop.browser.exchange import (
    CookieRow,
    JarChange,
    SetCookie,
    jar_changes,
    jar_rows,
    parse_cookie_header,
)

URL = "http://127.0.0.1/"
FLASK_DELETE = (
    "sessionid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/; SameSite=Lax"
)


def _response(*set_cookies: str) -> SimpleNamespace:
    headers = Message()
    for header in set_cookies:
        headers["Set-Cookie"] = header
    return SimpleNamespace(info=lambda: headers)


def extract(jar: CookieJar, *set_cookies: str) -> CookieJar:
    """Let ``jar`` take ``set_cookies`` as ``requests`` makes it do; return it."""
    jar.extract_cookies(_response(*set_cookies), urllib.request.Request(URL))
    return jar


def cookie_from(header: str) -> Cookie:
    """Return the one cookie a real jar makes of a ``Set-Cookie`` header."""
    (cookie,) = extract(CookieJar(), header)
    return cookie


@pytest.mark.parametrize(
    ("header", "http_only", "secure", "same_site"),
    [
        ("sessionid=abc; HttpOnly; Path=/; SameSite=Lax", True, False, "Lax"),
        ("sessionid=abc; httponly; samesite=Strict", True, False, "Strict"),
        ("theme=dark; Secure", False, True, ""),
        ("theme=dark", False, False, ""),
    ],
)
def test_from_cookie_reads_flags_in_any_case(header, http_only, secure, same_site):
    row = CookieRow.from_cookie(cookie_from(header))
    assert (row.http_only, row.secure, row.same_site) == (http_only, secure, same_site)
    assert (row.domain, row.path) == ("127.0.0.1", "/")


def test_from_cookie_without_expiry_is_a_session_cookie():
    row = CookieRow.from_cookie(cookie_from("sessionid=3f9a; Path=/"))
    assert (row.name, row.value, row.expires, row.expires_text) == (
        "sessionid",
        "3f9a",
        None,
        "Session",
    )


def test_from_cookie_with_max_age_shows_its_expiry_in_utc():
    row = CookieRow.from_cookie(cookie_from("theme=dark; Max-Age=3600"))
    assert row.expires is not None
    assert row.expires_text.endswith(" UTC") and row.expires_text != "Session"


def test_cookie_row_size_key_and_expiry_text(make_cookie_row):
    row = make_cookie_row("theme", "dark", expires=0.0, path="/app/")
    assert row.size == len("theme") + len("dark")
    assert row.key == ("127.0.0.1", "/app/", "theme")
    assert row.expires_text == "1970-01-01 00:00:00 UTC"


def test_jar_rows_are_sorted_by_domain_path_and_name():
    jar = extract(CookieJar(), "zeta=1; Path=/", "alpha=2; Path=/", "beta=3; Path=/app/")
    assert [row.name for row in jar_rows(jar)] == ["alpha", "zeta", "beta"]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({}, {"sessionid": "new"}, [JarChange("added", "sessionid", None, "new")]),
        (
            {"sessionid": "old"},
            {"sessionid": "new"},
            [JarChange("changed", "sessionid", "old", "new")],
        ),
        ({"sessionid": "old"}, {}, [JarChange("removed", "sessionid", "old", None)]),
        ({"sessionid": "same"}, {"sessionid": "same"}, []),
        ({}, {}, []),
    ],
)
def test_jar_changes(make_cookie_row, before, after, expected):
    def snapshot(values: dict[str, str]):
        return tuple(make_cookie_row(name, value) for name, value in values.items())

    assert jar_changes(snapshot(before), snapshot(after)) == expected


def test_jar_changes_notices_an_attribute_change_and_keeps_cookies_apart_by_path(make_cookie_row):
    root, app = make_cookie_row("a", "1"), make_cookie_row("a", "1", path="/app/")
    secured = make_cookie_row("a", "1", secure=True)
    assert jar_changes((root,), (secured,)) == [JarChange("changed", "a", "1", "1")]
    assert jar_changes((root,), (root, app)) == [JarChange("added", "a", None, "1")]


def test_set_cookie_parse_splits_name_value_and_lower_cases_attributes():
    cookie = SetCookie.parse("sessionid=abc=def; HttpOnly; Path=/; SameSite=Lax")
    assert (cookie.name, cookie.value) == ("sessionid", "abc=def")
    assert cookie.attributes == {"httponly": "", "path": "/", "samesite": "Lax"}


@pytest.mark.parametrize(
    ("header", "deletes"),
    [
        (FLASK_DELETE, True),
        ("sessionid=; Max-Age=0", True),
        ("sessionid=x; Max-Age=-1", True),
        ("sessionid=x; Expires=Wed, 21 Oct 2015 07:28:00 GMT", True),
        ("sessionid=x; Expires=Thu, 01-Jan-1970 00:00:00 GMT", True),
        ("sessionid=x; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT", False),
        ("sessionid=x; Expires=Fri, 01 Jan 2100 00:00:00 GMT", False),
        ("sessionid=x; HttpOnly; Path=/", False),
        ("sessionid=; Path=/", False),
    ],
)
def test_set_cookie_deletes_exactly_when_the_jar_drops_the_cookie(header, deletes):
    jar = extract(CookieJar(), "sessionid=old; Path=/")
    extract(jar, header)
    assert SetCookie.parse(header).deletes is deletes
    assert (len(jar) == 0) is deletes


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, {}),
        ("", {}),
        ("sessionid=abc", {"sessionid": "abc"}),
        ("a=1; b=2", {"a": "1", "b": "2"}),
        ("a=1;b=2;", {"a": "1", "b": "2"}),
        (" a = 1 ", {"a": "1"}),
        ("a=x=y", {"a": "x=y"}),
        ("a=", {"a": ""}),
        ("flag; a=1", {"a": "1"}),
        ("sessionid=first; sessionid=second", {"sessionid": "first"}),
    ],
)
def test_parse_cookie_header(header, expected):
    assert parse_cookie_header(header) == expected


def test_exchange_reads_cookies_and_location_from_its_headers(make_exchange, make_cookie_row):
    exchange = make_exchange(
        cookie="sessionid=old; theme=dark",
        set_cookies=("sessionid=new; HttpOnly", FLASK_DELETE),
        location="/app_sessions/secured_page/",
        status=302,
        jar_before=(make_cookie_row(value="old"),),
        jar_after=(make_cookie_row(value="new"),),
    )
    assert exchange.cookies_sent == {"sessionid": "old", "theme": "dark"}
    assert [(c.name, c.value, c.deletes) for c in exchange.cookies_set] == [
        ("sessionid", "new", False),
        ("sessionid", "", True),
    ]
    assert exchange.location == "/app_sessions/secured_page/"
    assert exchange.jar_changes == [JarChange("changed", "sessionid", "old", "new")]


def test_exchange_without_cookie_headers(make_exchange):
    exchange = make_exchange(request_headers=(("cookie", "a=1"),))
    assert exchange.cookies_sent == {"a": "1"}  # header names are case-insensitive
    assert (exchange.cookies_set, exchange.location, exchange.jar_changes) == ([], None, [])
