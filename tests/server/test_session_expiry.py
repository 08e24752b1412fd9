"""Session lifetimes, enforced on the server with a fake clock: idle, absolute, and the purge."""

from __future__ import annotations

import pytest

from server import purge_expired, snapshot

NOT_LOGGED_IN = "You are not logged in, Cannot access this page"
WELCOME = "Welcome USER: alice !"

# Tiny lifetimes; the ``clock`` fixture moves time, so nothing sleeps.
pytestmark = pytest.mark.parametrize(
    "app_config",
    [{"SESSION_IDLE_LIFETIME": 1, "SESSION_ABSOLUTE_LIFETIME": 3, "SESSION_PURGE_INTERVAL": 1}],
    indirect=True,
)


def expired_sids(events) -> list[str]:
    """Return the ids of the ``expired`` events, in order."""
    return [event.sid for event in events if event.kind == "expired"]


def test_activity_keeps_a_session_alive_past_the_idle_lifetime(visitor, clock):
    visitor.login()
    for _ in range(4):  # two seconds in all, never one second idle
        clock.advance(0.5)
        assert WELCOME in visitor.secured_page().text


def test_idle_session_is_refused_purged_and_reported(visitor, app, clock, events):
    visitor.login()
    sid = visitor.session_cookie()
    clock.advance(0.5)
    assert WELCOME in visitor.secured_page().text
    clock.advance(1.0)
    page = visitor.secured_page()
    assert NOT_LOGGED_IN in page.text
    assert snapshot(app) == []
    assert expired_sids(events) == [sid]
    assert visitor.session_cookie() is None  # the stale cookie was expired too


def test_absolute_lifetime_ends_even_an_active_session(visitor, app, clock, events):
    visitor.login()
    sid = visitor.session_cookie()
    for _ in range(5):  # up to 2.5 s after login, never idle for long
        clock.advance(0.5)
        assert WELCOME in visitor.secured_page().text
    clock.advance(0.5)
    assert NOT_LOGGED_IN in visitor.secured_page().text
    assert snapshot(app) == []
    assert expired_sids(events) == [sid]


def test_expired_session_cannot_be_revived_by_logging_out(visitor, app, clock):
    visitor.login()
    clock.advance(1.0)
    bye = visitor.logout()
    assert bye.status_code == 200
    assert "Successfully" not in bye.text
    assert snapshot(app) == []


def test_requests_of_others_purge_expired_sessions(visitor, new_visitor, app, clock, events):
    visitor.login()
    sid = visitor.session_cookie()
    clock.advance(2.0)
    assert new_visitor().client.get("/").status_code == 200
    assert sid not in [record.sid for record in snapshot(app)]
    assert expired_sids(events) == [sid]


def test_purge_expired_removes_only_expired_sessions(new_visitor, app, clock, events):
    old = new_visitor()
    old.login("old")
    clock.advance(0.5)
    young = new_visitor()
    young.login("young")
    clock.advance(0.5)  # "old" is now one second idle, "young" half a second
    purged = purge_expired(app)
    assert [record.data["userid"] for record in purged] == ["old"]
    assert [record.data["userid"] for record in snapshot(app)] == ["young"]
    assert expired_sids(events) == [old.session_cookie()]
    assert WELCOME.replace("alice", "young") in young.secured_page().text
