"""Feeds that follow a store from another process: what they report, what they refuse, read-only."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import time
from pathlib import Path

import pytest
from helpers import SessionActions
from redis_server import free_port
from visitors import ClientTransport

from server import close_app, create_app
from server.change_feed import WatchError, decode, encode
from server.records import SessionEvent, SessionRecord
from server.sqlite_feed import SqliteFeed
from server.stores import SqliteStore, StoreUnavailable
from server.watch_target import open_feed


def record(sid: str, user: str | None = None, expires: float | None = None) -> SessionRecord:
    now = time.time()
    data = {"userid": user} if user else {"csrf_token": "t"}
    return SessionRecord(sid, data, now, now, now + 600 if expires is None else expires)


def collect(feed, until, timeout: float = 15.0) -> list[SessionEvent]:
    """Read the feed's changes until ``until(events)`` holds; fail after ``timeout`` seconds."""
    events: list[SessionEvent] = []
    deadline = time.monotonic() + timeout
    while not until(events):
        assert time.monotonic() < deadline, f"only saw {[(e.kind, e.sid) for e in events]}"
        events += feed.changes(0.3)
    return events


def test_an_event_travels_as_json_and_comes_back_whole():
    event = SessionEvent(
        "rotated", "new", record("new", "alice"), old_sid="old", at=12.5, origin="ignored"
    )
    event.record.data["raw"] = b"\x00\xff"  # tagged JSON keeps bytes
    back = decode(encode(event, "web-1:4242"))
    assert back == SessionEvent("rotated", "new", event.record, "old", 12.5, "web-1:4242")
    gone = SessionEvent("deleted", "s", None, at=1.0)
    assert decode(encode(gone, "h:1")) == SessionEvent("deleted", "s", None, None, 1.0, "h:1")


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"kind": "created"}', '{"kind": "hacked", "sid": "x"}', b"\xff\xfe"],
)
def test_anything_else_on_the_channel_is_ignored(text):
    assert decode(text) is None


def _message(**changes) -> str:
    """A created event as published, with ``changes`` (``record_<field>``: the record's)."""
    event = SessionEvent("created", "abc", record("abc", "alice"), at=time.time())
    message = json.loads(encode(event, "web-1:4242"))
    for name, value in changes.items():
        if name.startswith("record_"):
            message["record"][name.removeprefix("record_")] = value
        else:
            message[name] = value
    return json.dumps(message)


def test_a_message_as_a_server_sends_it_is_read():
    assert decode(_message()).record.data == {"userid": "alice"}


@pytest.mark.parametrize(
    "changes",
    [
        {"record_data": "[1, 2]"},
        {"record_data": '"alice"'},
        {"at": float("inf")},
        {"at": float("nan")},
        {"at": 1e20},
        {"record_created": -1},
        {"record_expires": float("inf")},
        {"origin": ["x"]},
        {"old_sid": {"a": 1}},
        {"sid": 7},
    ],
    ids=lambda changes: repr(changes),
)
def test_what_no_server_sends_is_dropped_with_a_line_in_the_log(changes, caplog):
    assert decode(_message(**changes)) is None
    assert "ignoring a message that is not a session event" in caplog.text


def test_a_hand_edited_row_the_window_cannot_show_is_skipped(store, tmp_path):
    store.save(record("kept", "bob"), create=True)
    store.save(record("edited", "eve"), create=True)
    store._conn.execute("UPDATE sessions SET data = '[1]' WHERE id = 'edited'")
    feed = open_feed(str(tmp_path / "data"))
    try:
        assert [r.sid for r in feed.snapshot()] == ["kept"]
    finally:
        feed.close()


def _damaged(path: Path) -> None:
    store = SqliteStore(path)
    for n in range(400):
        store.save(record(f"session-{n:04d}" + "x" * 40, f"user-{n}"), create=True)
    store.close()
    with path.open("r+b") as handle:  # leave the header, break the pages after it
        handle.seek(4096 * 2)
        handle.write(os.urandom(4096 * 3))


def _no_sessions_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: "", "Type a Redis URL"),
        (lambda tmp: "http://localhost:6379/0", "is not a Redis URL"),
        (lambda tmp: str(tmp / "nowhere.sqlite3"), "does not exist"),
        (lambda tmp: str(tmp), "it is not the data directory of a Session Lab server"),
        (lambda tmp: (tmp / "a.txt").write_text("hello " * 400) and str(tmp / "a.txt"),
         "is not an SQLite database"),
        (lambda tmp: _no_sessions_table(tmp / "n.db") or str(tmp / "n.db"),
         "not a Session Lab session database"),
        (lambda tmp: _damaged(tmp / "d.sqlite3") or str(tmp / "d.sqlite3"), "is damaged"),
        (lambda tmp: f"redis://127.0.0.1:{free_port()}/0", "cannot reach Redis at"),
        (lambda tmp: "redis://127.0.0.1:notaport/0", "is not a usable Redis URL"),
        (lambda tmp: "~no-such-user-here/x", "cannot be read as a file name"),
        (lambda tmp: str(tmp / "a\0b"), "NUL character"),
    ],
    ids=["empty", "http", "missing", "empty-dir", "text-file", "other-database", "damaged",
         "redis-down", "bad-url", "unknown-user", "nul"],
)  # fmt: skip
def test_what_cannot_be_watched_is_said_in_one_sentence(tmp_path, make, says):
    with pytest.raises(WatchError, match=says) as caught:
        open_feed(make(tmp_path))
    assert "\n" not in str(caught.value)


@pytest.fixture
def store(tmp_path):
    """A server's SQLite store (its own connection, as another process's would be)."""
    (tmp_path / "data").mkdir()
    store = SqliteStore(tmp_path / "data" / "sessions.sqlite3")
    yield store
    store.close()


def test_the_sqlite_feed_tells_every_kind_of_change(store, tmp_path):
    store.save(record("already-there-0000", "zoe"), create=True)
    feed = open_feed(str(tmp_path / "data"))  # the data directory names the file
    assert [r.sid for r in feed.snapshot()] == ["already-there-0000"]
    assert feed.changes(0.3) == []  # nothing committed: nothing to tell

    store.save(record("anonymous-session-1"), create=True)
    [created] = collect(feed, lambda seen: seen)
    assert (created.kind, created.sid) == ("created", "anonymous-session-1")

    store.rotate("anonymous-session-1", record("logged-in-session-1", "alice"))
    [rotated] = collect(feed, lambda seen: seen)
    assert (rotated.kind, rotated.sid, rotated.old_sid) == (
        "rotated", "logged-in-session-1", "anonymous-session-1")  # fmt: skip
    assert rotated.record.data == {"userid": "alice"}

    store.save(record("logged-in-session-1", "alice-again"), create=False)
    [changed] = collect(feed, lambda seen: seen)
    assert (changed.kind, changed.record.data) == ("changed", {"userid": "alice-again"})

    store.delete("logged-in-session-1")
    [deleted] = collect(feed, lambda seen: seen)
    assert (deleted.kind, deleted.record.data) == ("deleted", {"userid": "alice-again"})
    # (Inserted before the poll, this row would take the deleted one's rowid: see sqlite_feed.)
    store.save(record("short-lived-session", "bob", expires=time.time() - 1), create=True)
    collect(feed, lambda seen: any(e.kind == "created" for e in seen))
    store.purge_expired(time.time())
    [expired] = collect(feed, lambda seen: seen)
    assert (expired.kind, expired.sid) == ("expired", "short-lived-session")
    feed.close()


def test_the_sqlite_feed_never_writes(store):
    store.save(record("logged-in-session-3", "alice"), create=True)
    store.close()
    fingerprint = hashlib.sha256(store.path.read_bytes()).hexdigest()
    feed = SqliteFeed(store.path)
    assert [r.sid for r in feed.snapshot()] == ["logged-in-session-3"]
    feed.changes(0.3)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        feed._conn.execute("DELETE FROM sessions")  # opened mode=ro: SQLite itself refuses
    feed.close()
    assert hashlib.sha256(store.path.read_bytes()).hexdigest() == fingerprint


def test_a_file_replaced_by_a_fresh_one_is_followed(store, tmp_path):
    store.save(record("old-file-session-0", "alice"), create=True)
    feed = SqliteFeed(store.path)
    feed.snapshot()
    store.close()
    store.path.rename(tmp_path / "moved-aside.sqlite3")  # as a server does with a damaged file
    fresh = SqliteStore(store.path)
    fresh.save(record("new-file-session-0", "bob"), create=True)
    with pytest.raises(StoreUnavailable, match="replaced"):
        feed.changes(1.0)
    assert [r.sid for r in feed.snapshot()] == ["new-file-session-0"]
    fresh.close()
    feed.close()


@pytest.fixture
def redis_app(redis_url, tmp_path):
    """A server on the Redis store (this process)."""
    app = create_app({"SESSION_STORE": "redis", "REDIS_URL": redis_url, "DATA_DIR": tmp_path})
    yield app
    close_app(app)


def test_a_redis_server_publishes_its_events_with_its_name(redis_app, redis_url):
    feed = open_feed(redis_url)
    assert feed.snapshot() == []
    alice = SessionActions(ClientTransport(redis_app))
    alice.login("alice")
    created, rotated = collect(feed, lambda seen: len(seen) >= 2)
    assert (created.kind, rotated.kind, rotated.old_sid) == ("created", "rotated", created.sid)
    assert rotated.record.data["userid"] == "alice"
    assert rotated.origin == f"{socket.gethostname()}:{os.getpid()}"
    alice.logout()
    [deleted] = collect(feed, lambda seen: seen)
    assert (deleted.kind, deleted.sid) == ("deleted", rotated.sid)
    feed.close()


def test_a_redis_user_allowed_only_to_read_can_watch(own_redis, tmp_path):
    import redis

    admin = redis.Redis.from_url(own_redis.url)
    admin.acl_setuser(
        "watcher", enabled=True, passwords=["+watch-only"], keys=["session-lab:*"],
        channels=["session-lab:*"], commands=["+@read", "+@pubsub", "+@connection"],
    )  # fmt: skip
    admin.close()
    watch_url = own_redis.url.replace("redis://", "redis://watcher:watch-only@")
    feed = open_feed(watch_url)
    assert "watch-only" not in feed.description
    assert feed.snapshot() == []
    app = create_app({"SESSION_STORE": "redis", "REDIS_URL": own_redis.url, "DATA_DIR": tmp_path})
    SessionActions(ClientTransport(app)).login("alice")
    events = collect(feed, lambda seen: len(seen) >= 2)
    assert [e.kind for e in events] == ["created", "rotated"]
    assert [r.data["userid"] for r in feed.snapshot()] == ["alice"]
    with pytest.raises(redis.exceptions.NoPermissionError):  # the user truly cannot write
        feed._store.client.set("session-lab:x", "1")
    feed.close()
    close_app(app)


def test_redis_gone_and_back_is_unavailable_then_a_fresh_snapshot(own_redis, tmp_path):
    feed = open_feed(own_redis.url)
    feed.snapshot()
    own_redis.stop()
    with pytest.raises(StoreUnavailable, match="Redis"):
        feed.changes(2.0)
    with pytest.raises(StoreUnavailable):
        feed.snapshot()
    own_redis.start()
    assert feed.snapshot() == []
    app = create_app({"SESSION_STORE": "redis", "REDIS_URL": own_redis.url, "DATA_DIR": tmp_path})
    SessionActions(ClientTransport(app)).login("bob")
    assert [e.kind for e in collect(feed, lambda seen: len(seen) >= 2)] == ["created", "rotated"]
    feed.close()
    close_app(app)


def test_a_server_with_another_key_prefix_is_watched_with_prefix_in_the_url(redis_url, tmp_path):
    config = {"SESSION_STORE": "redis", "REDIS_URL": redis_url, "DATA_DIR": tmp_path}
    app = create_app({**config, "REDIS_KEY_PREFIX": "lab2:"})
    SessionActions(ClientTransport(app)).login("erin")
    default = open_feed(redis_url)
    assert default.snapshot() == []  # another lab's sessions
    feed = open_feed(f"{redis_url}?prefix=lab2:")
    assert feed.description.endswith("(keys lab2:*)")
    assert [r.data["userid"] for r in feed.snapshot()] == ["erin"]
    SessionActions(ClientTransport(app)).login("fred")
    assert [e.kind for e in collect(feed, lambda seen: len(seen) >= 2)] == ["created", "rotated"]
    assert default.changes(0.3) == []
    feed.close()
    default.close()
    close_app(app)
