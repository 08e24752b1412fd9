"""The plain sentence the timeline shows for each exchange, branch by branch."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.inspectors.narration import explain, short_id
from server.records import SessionEvent, SessionRecord

OLD, NEW = "aaaa" + "x" * 39, "3f9a" + "y" * 39
DELETE = "sessionid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
SECURED = "/app_sessions/secured_page/"


def event(kind: str, sid: str, old_sid: str | None = None, **data) -> SessionEvent:
    """Return a store event whose record holds ``data``."""
    return SessionEvent(kind, sid, SessionRecord(sid, data), old_sid=old_sid)


@pytest.mark.parametrize(("sid", "short"), [(NEW, "3f9a…"), ("ab", "ab…"), ("", "?"), (None, "?")])
def test_short_id(sid, short):
    assert short_id(sid) == short


def test_created(make_exchange):
    exchange = make_exchange(set_cookies=(f"sessionid={NEW}; HttpOnly; Path=/",))
    assert explain(exchange, [event("created", NEW, csrf_token="t")]) == (
        "The server created session 3f9a…, and told the browser to keep it in a cookie."
    )


def test_rotated_at_login_then_redirect(make_exchange):
    exchange = make_exchange(
        cookie=f"sessionid={OLD}",
        set_cookies=(f"sessionid={NEW}; HttpOnly; Path=/",),
        status=302,
        location=SECURED,
        method="POST",
    )
    sentence = explain(exchange, [event("rotated", NEW, old_sid=OLD, userid="alice")])
    assert sentence == (
        "Login rotated the session id: the server replaced session aaaa… with 3f9a… "
        "(user alice) and told the browser to keep the new id in its cookie. "
        f"Then it redirected the browser to {SECURED}."
    )


def test_rotation_is_told_instead_of_creation(make_exchange):
    events = [event("created", OLD), event("rotated", NEW, old_sid=OLD)]
    sentence = explain(make_exchange(), events)
    assert sentence.startswith("Login rotated the session id") and "created" not in sentence


def test_deleted_at_logout(make_exchange):
    exchange = make_exchange(cookie=f"sessionid={NEW}", set_cookies=(DELETE,))
    assert explain(exchange, [event("deleted", NEW, userid="alice")]) == (
        "Logout deleted session 3f9a… (user alice) on the server, and the server told the "
        "browser to delete its cookie."
    )


def test_expired_then_created(make_exchange):
    exchange = make_exchange(cookie=f"sessionid={OLD}", set_cookies=(f"sessionid={NEW}",))
    sentence = explain(exchange, [event("expired", OLD), event("created", NEW)])
    assert sentence == (
        "Session aaaa… had expired, so the server refused it and deleted it. "
        "The server created session 3f9a…, and told the browser to keep it in a cookie."
    )


@pytest.mark.parametrize(
    ("data", "user"), [({"userid": "bob"}, " (user bob)"), ({"csrf_token": "t"}, "")]
)
def test_changed(make_exchange, data, user):
    exchange = make_exchange(cookie=f"sessionid={NEW}", path=SECURED)
    assert explain(exchange, [event("changed", NEW, **data)]) == (
        f"The browser sent its session cookie; the server found session 3f9a…{user} and "
        "noted that it was just used."
    )


def test_an_event_without_record_names_no_user(make_exchange):
    sentence = explain(make_exchange(), [SessionEvent("deleted", NEW)])
    assert sentence.startswith("Logout deleted session 3f9a… on the server")


@pytest.mark.parametrize(
    ("cookie", "set_cookies", "sentence"),
    [
        (
            "sessionid=made-up",
            (DELETE,),
            "The browser sent a session cookie the server does not know (expired, deleted or "
            "made up), so the server ignored it and told the browser to delete it.",
        ),
        (
            "sessionid=made-up",
            (),
            "The browser sent a session cookie, but the server had no session for it.",
        ),
        (
            None,
            (),
            "The browser had no session cookie to send, so the server saw a visitor without a "
            "session.",
        ),
        (
            "theme=dark",
            ("theme=light",),
            "The browser had no session cookie to send, so the server saw a visitor without a "
            "session.",
        ),
    ],
    ids=["unknown-cookie", "cookie-without-session", "no-cookie", "other-cookies-only"],
)
def test_server_side_exchange_without_events(make_exchange, cookie, set_cookies, sentence):
    exchange = make_exchange(cookie=cookie, set_cookies=set_cookies)
    assert explain(exchange, []) == sentence


@pytest.mark.parametrize(
    ("cookie", "set_cookies", "start"),
    [
        ("sessionid=eyJ1", (DELETE,), "The server told the browser to delete its session cookie."),
        (None, ("sessionid=eyJ1.sig; Path=/",), "The server wrote the whole session into the"),
        ("sessionid=eyJ1.sig", (), "The browser sent its session cookie; the server checked its"),
        (None, (), "The browser had no session cookie to send."),
    ],
    ids=["deletes", "sets", "sends", "none"],
)
def test_cookie_store(make_exchange, cookie, set_cookies, start):
    exchange = make_exchange(cookie=cookie, set_cookies=set_cookies)
    sentence = explain(exchange, [], server_side=False)
    assert sentence.startswith(start)
    assert "server found session" not in sentence


def test_cookie_name_is_configurable(make_exchange):
    exchange = make_exchange(cookie="session=abc")
    assert "no session cookie" in explain(exchange, [])
    assert "no session for it" in explain(exchange, [], cookie_name="session")


@pytest.mark.parametrize(
    ("status", "location", "suffix"),
    [
        (302, SECURED, f"Then it redirected the browser to {SECURED}."),
        (303, "/", "Then it redirected the browser to /."),
        (307, "/x", "Then it redirected the browser to /x."),
        (400, None, "The server refused the request as invalid (400); see the page."),
        (404, None, "The server answered 404 NOT FOUND."),
        (500, None, "The server answered 500 INTERNAL SERVER ERROR."),
    ],
)
def test_status_suffix(make_exchange, status, location, suffix):
    sentence = explain(make_exchange(status=status, location=location), [])
    assert sentence.endswith(" " + suffix)


@pytest.mark.parametrize("status", [200, 302, 304])
def test_no_suffix_without_redirect_target_or_error(make_exchange, status):
    sentence = explain(make_exchange(status=status), [])
    assert sentence.count(".") == 1 and "redirected" not in sentence


@pytest.mark.parametrize(
    ("signature_ok", "expected"),
    [
        (False, "signature does not match the server's key"),
        (True, "checked its signature and read it"),
        (None, "checked its signature and read it"),
    ],
)
def test_a_signed_cookie_that_fails_its_check_is_said_to_be_ignored(
    make_exchange, signature_ok, expected
):
    hop = make_exchange(cookie="sessionid=eyJ1c2VyaWQiOiJhIn0.Zz.sig")
    sentence = explain(hop, (), server_side=False, signature_ok=signature_ok)
    assert expected in sentence


def test_a_request_cut_off_by_a_restart_does_not_guess_the_store(make_exchange):
    # The old server's events were not followed: "the server had no session" would be false.
    hop = make_exchange(cookie=f"sessionid={NEW}", path=SECURED)
    cut = replace(hop, interrupted_by="the session server restarted with the memory store")
    assert "no session for it" in explain(hop, [])
    sentence = explain(cut, [])
    assert "no session" not in sentence
    assert sentence.startswith(
        "This request was answered just as the session server restarted with the memory store"
    )


@pytest.mark.parametrize(
    ("body", "stale"),
    [
        ('<p class="errors">The form\'s CSRF token was missing or wrong (…)</p>', True),
        ('<ul id="csrf_token-errors"><li>The CSRF token has expired.</li></ul>', True),
        ('<ul id="userid-errors"><li>Enter a user name.</li></ul>', False),
    ],
)
def test_a_stale_login_form_is_explained(make_exchange, body, stale):
    hop = make_exchange(method="POST", status=400, response_body=body)
    sentence = explain(hop, [])
    assert ("CSRF token did not match this browser's session" in sentence) is stale
    assert ("see the page" in sentence) is not stale


@pytest.mark.parametrize(
    ("data", "note"), [({"csrf_token": "t"}, True), ({"csrf_token": "t", "userid": "bob"}, False)]
)
def test_a_pre_login_session_is_said_to_be_short_lived(make_exchange, data, note):
    record = SessionRecord(NEW, data, created=1000.0, last_seen=1000.0, expires=1300.0)
    exchange = make_exchange(set_cookies=(f"sessionid={NEW}",))
    sentence = explain(exchange, [SessionEvent("created", NEW, record)])
    said = "keeps it 5 minutes unless someone logs in" in sentence
    assert said is note


def _behind_balancer(make_exchange, server, route, cookie=None, set_cookies=()):
    headers = (("Via", "1.1 lab-balancer"), ("X-Lab-Server", server), ("X-Lab-Balancer", route))
    headers += tuple(("Set-Cookie", header) for header in set_cookies)
    return make_exchange(cookie=cookie, response_headers=headers)


@pytest.mark.parametrize(
    ("route", "cookie", "set_cookies", "says"),
    [
        ("round robin", None, (), "passed this request to server B (round robin"),
        # A cookie left from sticky days is sent, but the balancer went round robin.
        ("round robin", "SERVERID=B", (), "passed this request to server B (round robin"),
        ("failover", None, (), "the server whose turn it was did not answer"),
        (
            "round robin",
            None,
            ("SERVERID=B; Path=/",),
            "pinned the browser to it with its own cookie, SERVERID=B",
        ),
        ("sticky", "SERVERID=B", (), "the server the browser's SERVERID cookie names"),
    ],
)
def test_the_sentence_says_which_server_the_balancer_chose_and_why(
    make_exchange, route, cookie, set_cookies, says
):
    exchange = _behind_balancer(make_exchange, "B", route, cookie, set_cookies)
    assert says in explain(exchange, [])


def test_a_page_the_balancer_answered_itself_says_so(make_exchange):
    exchange = make_exchange(status=503, response_headers=(("Via", "1.1 lab-balancer"),))
    sentence = explain(exchange, [])
    assert sentence.startswith("The load balancer answered itself")
    assert "503" in sentence


def test_a_session_cookie_held_back_is_named_with_its_reason(make_exchange):
    from desktop.browser.cookie_policy import WithheldCookie
    from desktop.browser.cookie_rules import LOCALHOST_NOTE

    reason = "Secure: only sent over HTTPS, and this request is plain HTTP" + LOCALHOST_NOTE
    exchange = make_exchange(cookies_withheld=(WithheldCookie("sessionid", reason),))
    assert explain(exchange, []) == (
        "The browser held back its session cookie (Secure: only sent over HTTPS, and this "
        "request is plain HTTP), so the server saw a visitor without a session. The browser "
        "held back sessionid: see “Cookies held but not sent”."
    )


def test_an_hsts_upgrade_says_nothing_went_over_http(make_exchange):
    exchange = make_exchange(
        status=307,
        location="https://127.0.0.1:5001/app_sessions/login/",
        reason="Internal Redirect",
    )
    exchange = replace(
        exchange,
        response_headers=(*exchange.response_headers, ("Non-Authoritative-Reason", "HSTS")),
    )
    sentence = explain(exchange, [])
    assert sentence.startswith("Upgraded by HSTS: nothing was sent over plain http. 127.0.0.1")
    assert "https://127.0.0.1:5001/app_sessions/login/" in sentence
