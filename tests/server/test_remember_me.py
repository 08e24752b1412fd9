"""Remember me: a persistent selector:validator cookie, hashed and rotated, with theft detection."""

from __future__ import annotations

import hashlib

import pytest
from helpers import LOGIN, LOGOUT, SECURED, csrf_token

from server.remember_me import COOKIE_NAME, LIFETIME, RememberStore, remember_changed, store_of

WELCOME = "Welcome USER: alice !"
NOT_LOGGED_IN = "You are not logged in"
REMEMBER = {"REMEMBER_ME": True, "SESSION_STORE": "memory"}


def _login(client, remember: bool, userid: str = "alice"):
    form = client.get(LOGIN)
    data = {"csrf_token": csrf_token(form.text), "userid": userid, "passwd": "pw"}
    if remember:
        data["remember"] = "y"
    return client.post(LOGIN, data=data)


def _remember_cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE_NAME)
    return cookie.value if cookie else None


def _close_and_reopen(client) -> None:
    # What a browser does with its session cookies when it quits.
    client.delete_cookie("sessionid")


@pytest.fixture
def changes(app):
    seen = []

    def receive(sender, change):
        if sender is app:
            seen.append(change)

    remember_changed.connect(receive)
    yield seen
    remember_changed.disconnect(receive)


def test_without_the_switch_the_login_form_and_cookies_are_the_tutorials(client):
    assert "Remember me" not in client.get(LOGIN).text
    response = _login(client, remember=True)
    assert response.status_code == 302
    assert all(COOKIE_NAME not in h for h in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("app_config", [REMEMBER], indirect=True)
def test_remember_me_sets_a_persistent_cookie_with_a_hashed_validator(client, app, changes):
    assert 'name="remember"' in client.get(LOGIN).text
    response = _login(client, remember=True)
    header = next(h for h in response.headers.getlist("Set-Cookie") if COOKIE_NAME in h)
    assert f"Max-Age={LIFETIME}" in header and "HttpOnly" in header and "SameSite=Lax" in header
    selector, validator = _remember_cookie(client).split(":")
    (token,) = store_of(app).tokens()
    assert (token.selector, token.userid) == (selector, "alice")
    assert token.validator_hash == hashlib.sha256(validator.encode()).hexdigest()
    assert validator not in repr(token)
    assert [c.kind for c in changes] == ["issued"]


@pytest.mark.parametrize("app_config", [REMEMBER], indirect=True)
def test_login_without_the_box_ticked_issues_no_token(client, app):
    _login(client, remember=False)
    assert _remember_cookie(client) is None
    assert store_of(app).tokens() == []


@pytest.mark.parametrize("app_config", [REMEMBER], indirect=True)
def test_the_cookie_logs_back_in_after_reopening_and_its_validator_rotates(client, app, changes):
    _login(client, remember=True)
    old_sid = client.get_cookie("sessionid").value
    first = _remember_cookie(client)
    _close_and_reopen(client)

    page = client.get(SECURED)
    assert WELCOME in page.text
    new_sid = client.get_cookie("sessionid").value
    assert new_sid != old_sid
    second = _remember_cookie(client)
    assert second.split(":")[0] == first.split(":")[0]  # same selector
    assert second.split(":")[1] != first.split(":")[1]  # new validator
    assert store_of(app).tokens()[0].uses == 1
    assert [c.kind for c in changes] == ["issued", "used"]


@pytest.mark.parametrize("app_config", [REMEMBER], indirect=True)
def test_replaying_an_old_validator_revokes_every_token_of_the_user(client, app, changes):
    _login(client, remember=True)
    stolen = _remember_cookie(client)
    _login(app.test_client(), remember=True)  # alice on a second device
    assert len(store_of(app).tokens()) == 2
    _close_and_reopen(client)
    client.get(SECURED)  # the owner uses it: the validator rotates

    thief = app.test_client()
    thief.set_cookie(COOKIE_NAME, stolen)
    page = thief.get(SECURED)
    assert NOT_LOGGED_IN in page.text
    assert store_of(app).tokens() == []
    assert _remember_cookie(thief) is None, "the dead cookie is deleted"
    assert changes[-1].kind == "theft" and changes[-1].userid == "alice"

    _close_and_reopen(client)
    assert NOT_LOGGED_IN in client.get(SECURED).text, "the owner must log in again too"


@pytest.mark.parametrize("app_config", [REMEMBER], indirect=True)
def test_logout_revokes_the_token_and_deletes_the_cookie(client, app):
    _login(client, remember=True)
    client.get(LOGOUT)
    assert store_of(app).tokens() == []
    assert _remember_cookie(client) is None


@pytest.mark.parametrize("app_config", [REMEMBER], indirect=True)
@pytest.mark.parametrize("value", ["", "nocolon", ":", "a:b", "x" * 500, "é:€"])
def test_a_bad_remember_cookie_is_dropped_without_an_error(client, value):
    client.set_cookie(COOKIE_NAME, value)
    page = client.get(SECURED)
    assert page.status_code == 200 and NOT_LOGGED_IN in page.text


def test_an_expired_token_logs_nobody_in():
    store = RememberStore()
    value = store.issue("alice", lifetime=10, now=1000.0)
    assert store.check(value, lifetime=10, now=1011.0).outcome == "expired"
    assert store.tokens() == []


def test_a_used_token_lives_a_full_lifetime_again():
    store = RememberStore()
    value = store.issue("alice", lifetime=10, now=1000.0)
    result = store.check(value, lifetime=10, now=1009.0)
    assert result.outcome == "ok"
    assert store.tokens()[0].expires == 1019.0
