"""Events the server publishes for observers (the desktop app), and its read-only snapshot."""

from __future__ import annotations

import threading

import pytest
from helpers import LOGIN
from visitors import HttpTransport

from server import snapshot
from server.events import ALL_SIGNALS, publish, session_created
from server.records import SessionEvent, SessionRecord


def kinds(events) -> list[str]:
    """Return the kinds of ``events``, in order."""
    return [event.kind for event in events]


def test_signals_are_named_for_each_kind():
    assert set(ALL_SIGNALS) == {"created", "changed", "rotated", "expired", "deleted"}
    assert len({signal.name for signal in ALL_SIGNALS.values()}) == 5


def test_publish_sends_on_the_signal_of_the_events_kind():
    sender, seen = object(), []
    event = SessionEvent("created", "sid")
    with session_created.connected_to(lambda s, event: seen.append((s, event)), sender=sender):
        publish(sender, event)
        publish(sender, SessionEvent("deleted", "sid"))
    assert seen == [(sender, event)]


# The desktop lab writes last_seen on every request (so its store view is live); a standalone
# server writes it only when the expiry moves by SESSION_REFRESH_INTERVAL or more.
@pytest.mark.parametrize("app_config", [{"SESSION_REFRESH_INTERVAL": 0}], indirect=True)
def test_login_flow_publishes_each_change_with_its_ids(visitor, events):
    visitor.client.get(LOGIN)
    first = visitor.session_cookie()
    visitor.login("alice")
    second = visitor.session_cookie()
    visitor.secured_page()
    visitor.logout()
    assert kinds(events) == ["created", "changed", "rotated", "changed", "deleted"]
    created, _, rotated, changed, deleted = events
    assert created.sid == first and "csrf_token" in created.record.data
    assert (rotated.old_sid, rotated.sid) == (first, second)
    assert rotated.record.data["userid"] == "alice"
    assert changed.sid == second and changed.old_sid is None
    assert deleted.sid == second and deleted.record.data["userid"] == "alice"


def test_a_visit_that_stores_nothing_publishes_nothing(visitor, events):
    visitor.secured_page()
    visitor.logout()
    assert events == []


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_LIFETIME": 1}], indirect=True)
def test_an_expired_session_is_reported_once(visitor, clock, events):
    visitor.login()
    sid = visitor.session_cookie()
    clock.advance(5)
    visitor.secured_page()
    visitor.secured_page()
    expired = [event for event in events if event.kind == "expired"]
    assert [event.sid for event in expired] == [sid]
    assert expired[0].record.data["userid"] == "alice"


def test_receivers_run_on_the_request_thread(app, live_server):
    threads = []

    def record(sender, event):
        threads.append(threading.current_thread().name)

    transport = HttpTransport(live_server.url)
    with session_created.connected_to(record, sender=app):
        transport.get(LOGIN)
    transport.close()
    assert len(threads) == 1
    assert threads[0].startswith("session-server-worker")


def test_snapshot_lists_every_session_as_plain_records(new_visitor, app):
    for name in ("alice", "bob"):
        new_visitor().login(name)
    records = snapshot(app)
    assert all(isinstance(record, SessionRecord) for record in records)
    assert [record.data["userid"] for record in records] == ["alice", "bob"]
    for record in records:
        assert record.created <= record.last_seen < record.expires


@pytest.mark.parametrize(
    "app_config", [{"SESSION_STORE": "memory"}, {"SESSION_STORE": "sqlite"}], indirect=True
)
def test_snapshot_is_a_copy(visitor, app):
    visitor.login("alice")
    snapshot(app)[0].data["userid"] = "mallory"
    assert "Welcome USER: alice !" in visitor.secured_page().text
