"""The detail pane's HTML for one exchange: headers, cookie tables and what changed."""

from __future__ import annotations

import re

import pytest

from desktop.inspectors.exchange_report import HIGHLIGHT, render_exchange
from server.records import SessionEvent, SessionRecord

OLD, NEW = "old-sid", "new-sid"


def highlighted(html: str) -> list[str]:
    """Return the text of every highlighted header line."""
    return re.findall(rf'<span style="{re.escape(HIGHLIGHT)}"><b>(.*?)</b></span>', html)


@pytest.fixture
def login_post(make_exchange, make_cookie_row):
    """The login POST: it sends the old cookie and is told to keep the new one."""
    return make_exchange(
        method="POST",
        status=302,
        cookie=f"sessionid={OLD}",
        set_cookies=(f"sessionid={NEW}; HttpOnly; Path=/; SameSite=Lax",),
        location="/app_sessions/secured_page/",
        request_body="csrf_token=t&userid=alice&passwd=pw",
        jar_before=(make_cookie_row(value=OLD),),
        jar_after=(make_cookie_row(value=NEW),),
    )


def test_cookie_headers_and_only_they_are_highlighted(login_post):
    html = render_exchange(login_post, [], "A sentence.")
    assert highlighted(html) == [
        f"Cookie: sessionid={OLD}",
        f"Set-Cookie: sessionid={NEW}; HttpOnly; Path=/; SameSite=Lax",
    ]
    assert "POST /app_sessions/login/ HTTP/1.1" in html
    assert "HTTP/1.1 302 FOUND" in html
    assert "Location: /app_sessions/secured_page/" in html
    assert "csrf_token=t&amp;userid=alice&amp;passwd=pw" in html


def test_the_sentence_comes_first(login_post):
    html = render_exchange(login_post, [], "Login rotated the session id.")
    assert html.startswith("<p style='font-size:larger'><b>Login rotated the session id.</b></p>")


def test_cookie_tables(login_post):
    html = render_exchange(login_post, [], "")
    assert f"<td>sessionid</td><td>{OLD}</td></tr>" in html
    assert f"<td>sessionid</td><td>{NEW}</td><td>httponly; path=/; samesite=Lax</td>" in html
    assert f"<td>changed: sessionid {OLD} → {NEW}</td>" in html


@pytest.mark.parametrize(
    "message",
    [
        "The request carried no cookies.",
        "The response set no cookies.",
        "The jar did not change.",
        "The store did not change.",
    ],
)
def test_empty_tables_say_so(make_exchange, login_post, message):
    assert f"<p><i>{message}</i></p>" in render_exchange(make_exchange(), [], "")
    assert message not in render_exchange(login_post, [SessionEvent("created", NEW)], "")


def test_values_are_html_escaped(make_exchange):
    script = "<script>alert('x')</script>"
    exchange = make_exchange(
        cookie=f"evil={script}",
        request_body=f"userid={script}",
        response_headers=(("X-Note", "a < b & c"), ("Set-Cookie", f"evil={script}; Path=/")),
    )
    event = SessionEvent("created", "s", SessionRecord("s", {"userid": script}))
    html = render_exchange(exchange, [event], f"Hello {script}")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "X-Note: a &lt; b &amp; c" in html
    # The sentence, both headers, the body, both cookie tables and the store change.
    assert html.count("&lt;script&gt;") == 7


@pytest.mark.parametrize(
    ("events", "lines"),
    [
        (
            [SessionEvent("rotated", NEW, SessionRecord(NEW, {"userid": "al"}), old_sid=OLD)],
            [f"rotated: {OLD} → {NEW}"],
        ),
        (
            [
                SessionEvent("created", NEW, SessionRecord(NEW, {"n": 1})),
                SessionEvent("deleted", OLD),
            ],
            [f"created: {NEW} {{&#x27;n&#x27;: 1}}", f"deleted: {OLD} {{}}"],
        ),
    ],
)
def test_store_changes_are_listed_in_order(make_exchange, events, lines):
    html = render_exchange(make_exchange(), events, "")
    store = html.split("<h4>Session store changes</h4>")[1]
    assert re.findall(r"<td>(.*?)</td>", store) == lines


@pytest.mark.parametrize(
    ("before", "after", "line"),
    [
        ((), (NEW,), f"added: sessionid = {NEW}"),
        ((OLD,), (), f"removed: sessionid (was {OLD})"),
    ],
)
def test_jar_changes_are_listed(make_exchange, make_cookie_row, before, after, line):
    exchange = make_exchange(
        jar_before=tuple(make_cookie_row(value=v) for v in before),
        jar_after=tuple(make_cookie_row(value=v) for v in after),
    )
    jar = render_exchange(exchange, [], "").split("<h4>Cookie jar changes</h4>")[1]
    assert f"<td>{line}</td>" in jar
