"""The server-side session: an opaque id in a safe cookie, rotated at login, destroyed at logout."""

from __future__ import annotations

import base64
import secrets

import pytest
from helpers import LOGIN, SECURED
from visitors import COOKIE

from server import snapshot
from server.session_interface import new_session_id

NOT_LOGGED_IN = "You are not logged in, Cannot access this page"


def sids(app) -> list[str]:
    """Return the ids of every stored session."""
    return [record.sid for record in snapshot(app)]


def random_bits(sid: str) -> int:
    """Return how many bits the URL-safe base64 id ``sid`` carries."""
    return len(base64.urlsafe_b64decode(sid + "=" * (-len(sid) % 4))) * 8


def cookie_attributes(header: str) -> tuple[str, str, dict[str, str]]:
    """Split a Set-Cookie header into name, value and {lowercased attribute: text}."""
    name_value, *attributes = (part.strip() for part in header.split(";"))
    name, value = name_value.split("=", 1)
    return name, value, {attribute.split("=")[0].lower(): attribute for attribute in attributes}


def test_new_session_ids_are_unique_and_carry_at_least_128_random_bits():
    ids = {new_session_id() for _ in range(500)}
    assert len(ids) == 500
    assert min(random_bits(sid) for sid in ids) >= 128


def test_cookie_is_an_opaque_id_with_safe_attributes(visitor, app):
    [header] = visitor.client.get(LOGIN).set_cookies
    name, value, attributes = cookie_attributes(header)
    assert name == COOKIE
    assert random_bits(value) >= 128
    assert "httponly" in attributes
    assert attributes["samesite"] == "SameSite=Lax"
    assert attributes["path"] == "Path=/"
    for absent in ("domain", "expires", "max-age"):
        assert absent not in attributes
    assert sids(app) == [value]


def test_data_stays_on_the_server(visitor, app):
    visitor.login("alice")
    [record] = snapshot(app)
    assert record.data["userid"] == "alice"
    assert visitor.session_cookie() == record.sid
    assert "alice" not in record.sid


@pytest.mark.parametrize("holding", ["csrf-token", "user-name"])
def test_login_rotates_an_issued_id(visitor, app, holding):
    if holding == "user-name":
        visitor.login("alice")
    visitor.client.get(LOGIN)
    before = visitor.session_cookie()
    assert before in sids(app)
    assert visitor.login("bob").status_code == 302
    after = visitor.session_cookie()
    assert after != before
    assert sids(app) == [after]
    assert "Welcome USER: bob !" in visitor.secured_page().text


@pytest.mark.parametrize("planted", ["A" * 43, secrets.token_urlsafe(32)], ids=["shaped", "random"])
def test_an_id_the_server_never_issued_is_never_adopted(visitor, app, planted):
    visitor.client.set_cookie(COOKIE, planted)
    visitor.client.get(LOGIN)
    issued = visitor.session_cookie()
    assert issued != planted
    visitor.login()
    assert visitor.session_cookie() not in (planted, issued)
    assert planted not in sids(app)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": False}], indirect=True)
def test_login_with_an_empty_session_gets_a_fresh_id(visitor, app):
    planted = secrets.token_urlsafe(32)
    visitor.client.set_cookie(COOKIE, planted)
    assert visitor.client.get(LOGIN).status_code == 200
    assert snapshot(app) == []  # without a CSRF token the session holds nothing before login
    visitor.client.set_cookie(COOKIE, planted)
    response = visitor.client.post(LOGIN, data={"userid": "alice", "passwd": "secret"})
    assert response.status_code == 302
    assert visitor.session_cookie() != planted
    assert sids(app) == [visitor.session_cookie()]


def test_logout_deletes_the_record_and_expires_the_cookie(visitor, app):
    visitor.login()
    sid = visitor.session_cookie()
    [header] = visitor.logout().set_cookies
    name, value, attributes = cookie_attributes(header)
    assert (name, value) == (COOKIE, "")
    assert attributes["expires"].endswith("01 Jan 1970 00:00:00 GMT")
    assert visitor.session_cookie() is None
    assert sid not in sids(app)


def test_replayed_pre_logout_cookie_is_not_logged_in(visitor, new_visitor, app):
    visitor.login()
    old = visitor.session_cookie()
    visitor.logout()
    replay = new_visitor()
    replay.client.set_cookie(COOKIE, old)
    assert NOT_LOGGED_IN in replay.secured_page().text
    assert snapshot(app) == []


def test_replayed_pre_login_cookie_is_not_logged_in(visitor, new_visitor, app):
    visitor.client.get(LOGIN)
    pre_login = visitor.session_cookie()
    visitor.login("alice")
    replay = new_visitor()
    replay.client.set_cookie(COOKIE, pre_login)
    assert NOT_LOGGED_IN in replay.secured_page().text
    assert "Welcome USER: alice !" in visitor.secured_page().text
    assert pre_login not in sids(app)


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid=garbage",
        "sessionid=",
        "sessionid=" + "A" * 43,
        "sessionid=" + "A" * 4000,
        "sessionid=%00%ff%fe",
        "sessionid=eyJ1c2VyaWQiOiJhbGljZSJ9.Zx.sig",
        "sessionid=../../etc/passwd",
        'sessionid="quoted; value"',
        "sessionid=é",
        "sessionid=a; sessionid=b",
        ";;;==;",
        "sessionid",
    ],
)
def test_garbage_cookie_means_no_session(visitor, app, cookie):
    page = visitor.client.get(SECURED, headers={"Cookie": cookie})
    assert page.status_code == 200
    assert NOT_LOGGED_IN in page.text
    assert snapshot(app) == []


def test_tampered_cookie_means_no_session(visitor, new_visitor):
    visitor.login("alice")
    sid = visitor.session_cookie()
    forger = new_visitor()
    forger.client.set_cookie(COOKIE, sid[:-1] + ("B" if sid[-1] != "B" else "C"))
    assert NOT_LOGGED_IN in forger.secured_page().text
    assert "Welcome USER: alice !" in visitor.secured_page().text
