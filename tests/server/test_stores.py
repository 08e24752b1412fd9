"""Session stores: the interface's promises, for each store and for a minimal new one."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from markupsafe import Markup

from server.records import SessionRecord
from server.stores import (
    CHECKPOINT_ROWS,
    MemoryStore,
    SessionStore,
    SqliteStore,
    StoreUnavailable,
    _from_text,
    _to_text,
    dump_data,
    load_data,
)

T0 = 1_700_000_000.0


class MinimalStore(SessionStore):
    """Only the required methods, as a new backend would start: the default hooks do the rest."""

    def __init__(self) -> None:
        self._records: dict[str, SessionRecord] = {}

    def load(self, sid):
        """Return the record or None."""
        return self._records.get(sid)

    def save(self, record, *, create):
        """Insert or update."""
        if not create and record.sid not in self._records:
            return False
        self._records[record.sid] = record
        return True

    def delete(self, sid):
        """Remove and return the record."""
        return self._records.pop(sid, None)

    def records(self):
        """Every record, oldest first."""
        return sorted(self._records.values(), key=lambda r: r.created)


def record(sid: str, created: float = T0, expires: float = T0 + 60, **data) -> SessionRecord:
    """Return a record created (and last seen) at ``created``."""
    return SessionRecord(sid, data, created, created, expires)


def make_store(kind: str, tmp_path, request=None) -> SessionStore:
    """Return an empty store of ``kind`` (``request`` gives the redis store its server)."""
    if kind == "redis":
        from server.redis_store import RedisStore

        # TTLs are measured from T0, the records' own time, so they do not vanish at once.
        return RedisStore(request.getfixturevalue("redis_url"), clock=lambda: T0)
    if kind == "sqlite":
        return SqliteStore(tmp_path / "sessions.sqlite3")
    return MemoryStore() if kind == "memory" else MinimalStore()


@pytest.fixture(params=["memory", "sqlite", "redis", "minimal"])
def store(request, tmp_path):
    """An empty store of each kind, closed afterwards."""
    store = make_store(request.param, tmp_path, request)
    yield store
    store.close()


def test_saved_record_loads_back_equal(store):
    saved = record("a", userid="Zoë", nested={"list": [1, 2.5, None, True]})
    assert store.save(saved, create=True)
    assert store.load("a") == saved
    assert store.load("nobody") is None


def test_update_changes_an_existing_record_but_never_creates_one(store):
    assert not store.save(record("a", userid="ghost"), create=False)
    assert store.load("a") is None
    store.save(record("a", userid="alice"), create=True)
    assert store.save(record("a", userid="bob"), create=False)
    assert store.load("a").data == {"userid": "bob"}


def test_delete_returns_the_record_once(store):
    store.save(record("a", userid="alice"), create=True)
    assert store.delete("a").data == {"userid": "alice"}
    assert store.delete("a") is None
    assert store.records() == []


def test_records_are_oldest_first(store):
    for sid, created in [("b", T0 + 2), ("a", T0 + 1), ("c", T0 + 3)]:
        store.save(record(sid, created), create=True)
    assert [r.sid for r in store.records()] == ["a", "b", "c"]


def test_rotate_replaces_the_old_id(store):
    store.save(record("old", userid="alice"), create=True)
    assert store.rotate("old", record("new", userid="alice"))
    assert store.load("old") is None
    assert store.load("new").data == {"userid": "alice"}
    assert not store.rotate("gone", record("newer"))
    assert store.load("newer") is not None


def test_purge_expired_removes_exactly_the_expired(store):
    store.save(record("due", expires=T0 + 10), create=True)
    store.save(record("just-due", expires=T0 + 20), create=True)
    store.save(record("alive", expires=T0 + 21), create=True)
    assert sorted(r.sid for r in store.purge_expired(T0 + 20)) == ["due", "just-due"]
    assert [r.sid for r in store.records()] == ["alive"]


@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
def test_callers_never_share_data_with_the_store(kind, tmp_path, request):
    store = make_store(kind, tmp_path, request)
    data = {"cart": ["apple"]}
    store.save(record("a", **data), create=True)
    data["cart"].append("saved-then-changed")
    store.load("a").data["cart"].append("loaded-then-changed")
    store.records()[0].data["cart"].append("listed-then-changed")
    assert store.load("a").data == {"cart": ["apple"]}
    store.close()


@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
def test_concurrent_calls_keep_the_store_consistent(kind, tmp_path, request):
    store = make_store(kind, tmp_path, request)
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(40):
                sid = f"t{n}-{i}"
                store.save(record(sid, n=n), create=True)
                assert store.save(record(sid, n=n, i=i), create=False)
                assert store.load(sid).data == {"n": n, "i": i}
                if i % 2:
                    assert store.delete(sid) is not None
        except Exception as error:  # reported below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.records()) == 12 * 20
    store.close()


def test_sqlite_file_holds_one_readable_row_per_session(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    store = SqliteStore(path)
    store.save(record("a", userid="alice"), create=True)
    store.save(record("b", userid="bob"), create=True)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(sessions)")]
        rows = conn.execute("SELECT id, data, created FROM sessions ORDER BY id").fetchall()
    store.close()
    assert columns == ["id", "data", "created", "last_seen", "expires"]
    assert [(sid, json.loads(data)) for sid, data, _ in rows] == [
        ("a", {"userid": "alice"}),
        ("b", {"userid": "bob"}),
    ]
    assert rows[0][2] == "2023-11-14 22:13:20.000000"  # UTC, as T0


def test_two_sqlite_stores_share_one_file(tmp_path):
    first = SqliteStore(tmp_path / "sessions.sqlite3")
    second = SqliteStore(tmp_path / "sessions.sqlite3")
    first.save(record("a", userid="alice"), create=True)
    assert second.load("a").data == {"userid": "alice"}
    assert second.delete("a") is not None
    assert first.load("a") is None
    first.close()
    second.close()


def test_a_damaged_sqlite_file_is_moved_aside(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = SqliteStore(path)
    moved = store.recovered_from.moved_to
    assert moved.read_bytes() == b"this is not a database" * 100
    store.save(record("a"), create=True)
    assert store.load("a") is not None
    store.close()


def test_an_unopenable_sqlite_path_is_an_oserror_and_left_alone(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    path.mkdir()
    with pytest.raises(OSError, match="cannot open"):
        SqliteStore(path)
    assert path.is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["sessions.sqlite3"]


@pytest.mark.parametrize(
    ("column", "garbage"),
    [
        ("data", "{not json"),
        ("data", "[1]"),  # JSON, but not a session's mapping
        ("created", "yesterday-ish"),
        ("expires", ""),
        ("expires", "9999-12-31T23:59:59"),  # past the last day a window's clock can show
    ],
)
def test_a_hand_edited_unreadable_row_is_skipped_not_fatal(tmp_path, column, garbage):
    store = SqliteStore(tmp_path / "sessions.sqlite3")
    try:
        now = time.time()
        for sid in ("good" * 8, "bad" * 8):
            store.save(SessionRecord(sid, {"userid": sid[:4]}, now, now, now + 60), create=True)
        store._conn.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (garbage, "bad" * 8))
        assert [r.sid for r in store.records()] == ["good" * 8]
        assert store.load("bad" * 8) is None
        assert store.delete("bad" * 8) is not None
        assert store.purge_expired(now + 120)[0].sid == "good" * 8
    finally:
        store.close()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"userid": "alice", "csrf_token": "ab" * 20},
        {"userid": "zoë", "n": 3, "x": 1.5, "ok": True, "none": None},
        {"quote": 'he said "hi" '},
        {" t": [1, 2]},  # a key that looks like one of Flask's tags
        {"pair": (1, 2), "raw": b"\x00", "nested": {"a": [1, "b"]}},
        {"html": Markup("<b>bold</b>"), "when": datetime(2026, 1, 1, tzinfo=UTC)},
    ],
)
def test_session_data_is_written_and_read_as_flasks_tagged_json(data):
    # The store's shortcut for plain data must give Flask's own text, and read it back the same.
    with Flask(__name__).app_context():  # where Flask's serializer sorts keys, as in a request
        flask_text = TaggedJSONSerializer().dumps(data)
        assert dump_data(data) == flask_text
    assert load_data(flask_text) == TaggedJSONSerializer().loads(flask_text)


@pytest.mark.parametrize(
    "text", ['{ "userid": "alice" }', '{"a":"\\u0020t"}', '{" t":["a"]}', '{"x":{" t":[1]}}']
)
def test_hand_written_session_data_reads_as_flasks_tagged_json(text):
    assert load_data(text) == TaggedJSONSerializer().loads(text)


@pytest.mark.parametrize("epoch", [0.0, T0, T0 + 0.000001, T0 + 0.5, 253_402_214_399.999999])
def test_stored_times_are_utc_text_with_microseconds_read_back_exactly(epoch):
    text = _to_text(epoch)
    assert text == datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    assert _from_text(text) == datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_the_sqlite_store_checkpoints_beside_its_requests_not_inside_one(tmp_path):
    # SQLite's automatic checkpoint would copy and sync the WAL inside some request's commit,
    # under the store's lock; the store runs it on a thread of its own instead.
    store = SqliteStore(tmp_path / "sessions.sqlite3")
    with contextlib.closing(sqlite3.connect(store.path)) as other:
        assert store._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        for i in range(CHECKPOINT_ROWS - 1):
            store.save(record(f"s{i:04}"), create=True)
        assert store._checkpointer is None
        store.save(record("last"), create=True)
        assert store._checkpointer.name == "session-store-checkpoint"
        store._checkpointer.join(10)
        # Every frame written so far is in the file already: nothing is left to copy.
        _busy, frames, copied = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert frames > 0 and copied == frames
    assert len(store.records()) == CHECKPOINT_ROWS
    store.close()


def test_a_purge_running_when_the_sqlite_store_closes_stops_quietly(tmp_path):
    # The purge runs on a thread of its own; a server that stops closes the store under it.
    store = SqliteStore(tmp_path / "sessions.sqlite3")
    store.save(record("old", expires=T0 + 1), create=True)
    store.close()
    assert store.purge_expired(T0 + 60) == []
    with pytest.raises(StoreUnavailable):  # anything else on a closed store still fails loudly
        store.load("old")


def redis_failing_in_purge(store, close_first: bool):
    """Make ``store``'s purge script fail as redis-py does when its pool is closed under it."""

    def fail(**_):
        if close_first:
            store.close()  # the server stops while the purge is in Redis
        raise AttributeError("'NoneType' object has no attribute 'readline'")

    store._purge = fail
    return store


def test_a_purge_running_when_the_redis_store_closes_stops_quietly(request):
    store = make_store("redis", None, request)
    store.save(record("old", expires=T0 + 1), create=True)
    assert redis_failing_in_purge(store, close_first=True).purge_expired(T0 + 60) == []
    open_store = make_store("redis", None, request)
    with pytest.raises(AttributeError):  # the same error on a store still open is not hidden
        redis_failing_in_purge(open_store, close_first=False).purge_expired(T0 + 60)
    open_store.close()
