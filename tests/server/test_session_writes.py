"""The store is written only when it must be: short pre-login rows, throttled last_seen, purges."""

from __future__ import annotations

import re
import sqlite3
import threading

import itsdangerous.timed
import pytest
from helpers import LOGIN, SessionActions
from visitors import ClientTransport

from server import lab_state, snapshot
from server.records import SessionRecord
from server.stores import PURGE_BATCH, SqliteStore

WELCOME = "Welcome USER: alice !"


def kinds(events) -> list[str]:
    """Return the kinds of ``events``, in order."""
    return [event.kind for event in events]


def test_a_visit_to_the_form_keeps_its_row_minutes_not_the_idle_lifetime(visitor, app, clock):
    visitor.client.get(LOGIN)
    [anonymous] = snapshot(app)
    assert "userid" not in anonymous.data
    assert anonymous.expires - clock.now == app.config["SESSION_ANONYMOUS_LIFETIME"] == 300
    visitor.login("alice")
    [logged_in] = snapshot(app)
    assert logged_in.expires - clock.now == app.config["SESSION_IDLE_LIFETIME"]


def test_anonymous_rows_are_purged_after_their_short_lifetime(app, clock):
    for _ in range(20):
        ClientTransport(app).get(LOGIN)
    assert len(snapshot(app)) == 20
    clock.advance(301)
    purged = app.session_interface.purge_expired(app, clock.now)
    assert len(purged) == 20 and snapshot(app) == []


def test_last_seen_is_written_only_when_it_moves_the_expiry_enough(visitor, app, clock, events):
    visitor.login("alice")
    written = snapshot(app)[0].last_seen
    events.clear()
    for _ in range(5):
        clock.advance(10)
        assert WELCOME in visitor.secured_page().text
    assert events == [] and snapshot(app)[0].last_seen == written  # 50 s: under the interval
    clock.advance(11)
    visitor.secured_page()
    assert kinds(events) == ["changed"]
    assert snapshot(app)[0].last_seen == clock.now


@pytest.mark.parametrize("app_config", [{"SESSION_REFRESH_INTERVAL": 0}], indirect=True)
def test_the_lab_writes_last_seen_on_every_request(visitor, app, clock, events):
    visitor.login("alice")
    events.clear()
    for _ in range(3):
        clock.advance(1)
        visitor.secured_page()
    assert kinds(events) == ["changed"] * 3


@pytest.mark.parametrize(
    "app_config", [{"SESSION_IDLE_LIFETIME": 8, "SESSION_REFRESH_INTERVAL": 60}], indirect=True
)
def test_a_short_idle_lifetime_shortens_the_interval_so_sessions_in_use_live_on(
    visitor, app, clock
):
    visitor.login("alice")
    for _ in range(10):  # 30 s of use, never 8 s idle
        clock.advance(3)
        assert WELCOME in visitor.secured_page().text


def test_a_due_purge_runs_on_its_own_thread_and_no_request_waits_for_it(app, monkeypatch):
    started, release, threads = threading.Event(), threading.Event(), []
    store = lab_state(app).store

    def slow_purge(now):
        threads.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        return []

    monkeypatch.setattr(store, "purge_expired", slow_purge)
    app.session_interface._last_purge = 0.0  # due now
    visitor = SessionActions(ClientTransport(app))
    assert visitor.login("alice").status_code == 302  # answered while the purge still runs
    assert started.wait(10)
    assert threads == ["session-purge"]
    assert WELCOME in visitor.secured_page().text
    release.set()


def test_the_sqlite_store_purges_in_batches_and_syncs_normally(tmp_path):
    store = SqliteStore(tmp_path / "sessions.sqlite3")
    count = PURGE_BATCH * 2 + 7
    for number in range(count):
        store.save(SessionRecord(f"sid-{number:06d}", {}, 1.0, 1.0, 2.0), create=True)
    store.save(SessionRecord("alive", {}, 1.0, 1.0, 10.0**10), create=True)
    statements = []
    real = store._using

    def counting(doing):
        statements.append(doing)
        return real(doing)

    store._using = counting
    assert len(store.purge_expired(now=100.0)) == count
    assert statements == ["purge"] * 3  # the lock is free between batches
    assert [record.sid for record in store.records()] == ["alive"]
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


@pytest.mark.parametrize(
    "app_config", [{"SESSION_STORE": "cookie", "SESSION_IDLE_LIFETIME": 60}], indirect=True
)
def test_the_cookie_store_honours_the_session_lifetime(visitor, monkeypatch):
    now = [1_000_000]
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: now[0])
    visitor.login("alice")
    now[0] += 59
    assert WELCOME in visitor.secured_page().text
    now[0] += 2  # the signed time stamp is now older than the lifetime
    assert WELCOME not in visitor.secured_page().text


def test_a_database_in_wal_mode_is_readable_by_students_while_served(app, visitor, app_config):
    visitor.login("alice")
    path = app_config["DATA_DIR"] / "sessions.sqlite3"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


@pytest.mark.parametrize("app_config", [{"SESSION_REFRESH_INTERVAL": 0}], indirect=True)
def test_shortened_lifetimes_reach_a_session_in_use_at_its_next_request(visitor, app, clock):
    visitor.login("alice")
    interface = app.session_interface
    interface.idle_lifetime, interface.absolute_lifetime = 20, 60  # the lab's short lifetimes
    clock.advance(1)
    visitor.secured_page()
    [record] = snapshot(app)
    assert record.expires == clock.now + 20  # the earlier expiry was written, not skipped
    assert record.last_seen == clock.now


def test_a_failed_write_at_login_keeps_the_session_it_was_replacing(app, monkeypatch):
    visitor = SessionActions(ClientTransport(app))
    form = visitor.client.get(LOGIN)
    [before] = snapshot(app)
    store = lab_state(app).store
    real_execute = store._conn.execute

    class FullDisk:
        """Stands in for the connection; writes fail as on a full disk, reads work."""

        def execute(self, sql, *args):
            if sql.startswith(("INSERT", "UPDATE", "DELETE")):
                raise sqlite3.OperationalError("database or disk is full")
            return real_execute(sql, *args)

    monkeypatch.setattr(store, "_conn", FullDisk())
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text).group(1)
    answer = visitor.client.post(
        LOGIN, data={"csrf_token": token, "userid": "alice", "passwd": "x"}
    )
    assert answer.status_code == 503
    monkeypatch.undo()
    assert [r.sid for r in snapshot(app)] == [before.sid]  # the rotation was rolled back
