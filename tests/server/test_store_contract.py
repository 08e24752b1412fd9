"""The store contract, over every server-side store, as two server processes see it.

Each store is opened twice on the same backing (the same SQLite file, the same Redis), as two
processes behind a balancer would open it; the memory store is one process's, so both handles
are the same object. Rotation, no resurrection after logout, concurrent updates and expiry.
"""

from __future__ import annotations

import threading
import time

import pytest
from helpers import SECURED, SessionActions

from server import close_app, create_app
from server.records import SessionRecord
from server.stores import MemoryStore, SessionStore, SqliteStore

KINDS = ["memory", "sqlite", "redis"]


def open_pair(kind: str, tmp_path, request) -> tuple[SessionStore, SessionStore]:
    """Return two handles on one empty store of ``kind``."""
    if kind == "memory":
        store = MemoryStore()
        return store, store
    if kind == "sqlite":
        path = tmp_path / "sessions.sqlite3"
        return SqliteStore(path), SqliteStore(path)
    from server.redis_store import RedisStore

    url = request.getfixturevalue("redis_url")
    return RedisStore(url), RedisStore(url)


@pytest.fixture(params=KINDS)
def pair(request, tmp_path):
    """Two handles on one store of each kind, closed afterwards."""
    first, second = open_pair(request.param, tmp_path, request)
    yield first, second
    first.close()
    if second is not first:
        second.close()


def live(sid: str, lifetime: float = 600, **data) -> SessionRecord:
    """Return a record made now that expires in ``lifetime`` seconds."""
    now = time.time()
    return SessionRecord(sid, data, now, now, now + lifetime)


def test_rotation_is_seen_at_once_by_the_other_process(pair):
    one, other = pair
    one.save(live("old", userid="alice"), create=True)
    assert one.rotate("old", live("new", userid="alice"))
    assert other.load("old") is None
    assert other.load("new").data == {"userid": "alice"}


def test_concurrent_rotations_of_one_id_report_it_existed_once(pair):
    one, other = pair
    one.save(live("old", userid="alice"), create=True)
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def rotate(n: int) -> None:
        barrier.wait()
        results.append((one if n % 2 else other).rotate("old", live(f"new{n}", userid="alice")))

    threads = [threading.Thread(target=rotate, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    assert one.load("old") is None


def test_an_update_after_a_logout_elsewhere_does_not_resurrect_the_session(pair):
    one, other = pair
    one.save(live("sid", userid="alice"), create=True)
    loaded = one.load("sid")  # a request on one process has read the session...
    assert other.delete("sid") is not None  # ...the user logs out on the other...
    refreshed = SessionRecord("sid", {**loaded.data, "cart": 1}, loaded.created, time.time(), 1e10)
    assert not one.save(refreshed, create=False)  # ...and the first request's write is refused
    assert other.load("sid") is None
    assert one.records() == []


def test_concurrent_updates_never_outlive_a_delete(pair):
    one, other = pair
    one.save(live("sid", n=-1), create=True)
    started = threading.Event()
    deleted = threading.Event()
    refused_after_delete: list[bool] = []

    def update(store: SessionStore, worker: int) -> None:
        for i in range(60):
            started.set()
            after = deleted.is_set()
            wrote = store.save(live("sid", worker=worker, i=i), create=False)
            if after:
                refused_after_delete.append(not wrote)

    threads = [threading.Thread(target=update, args=(s, w)) for w, s in enumerate(pair * 2)]
    for thread in threads:
        thread.start()
    started.wait(5)
    assert other.delete("sid") is not None
    deleted.set()
    for thread in threads:
        thread.join()
    assert one.load("sid") is None and other.load("sid") is None
    assert all(refused_after_delete)


def test_concurrent_updates_leave_one_whole_version(pair):
    one, other = pair
    one.save(live("sid", worker=-1, i=-1), create=True)

    def update(store: SessionStore, worker: int) -> None:
        for i in range(40):
            assert store.save(live("sid", worker=worker, i=i), create=False)

    threads = [threading.Thread(target=update, args=(s, w)) for w, s in enumerate(pair * 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = other.load("sid").data
    # The last write wins whole: never one writer's worker with another's counter.
    assert final["i"] == 39 and final["worker"] in range(6)


def test_expired_sessions_are_purged_once_by_whichever_process_purges(pair):
    one, other = pair
    now = time.time()
    one.save(SessionRecord("due", {}, now - 60, now - 60, now - 1), create=True)
    one.save(live("alive"), create=True)
    purged = [r.sid for r in other.purge_expired(now)] + [r.sid for r in one.purge_expired(now)]
    assert purged == ["due"]
    assert [r.sid for r in one.records()] == ["alive"]


@pytest.mark.parametrize("kind", KINDS)
def test_two_servers_on_one_store_share_a_login(kind, tmp_path, request):
    # What the load-balancer lesson shows: log in on one, be known on the other.
    config = {"SESSION_STORE": kind, "DATA_DIR": tmp_path / "data", "SECRET_KEY": "k" * 64}
    if kind == "redis":
        config["REDIS_URL"] = request.getfixturevalue("redis_url")
    first, second = create_app(config), create_app(config)
    try:
        browser = SessionActions(first.test_client())
        assert browser.login("alice").status_code == 302
        other = second.test_client()
        other.set_cookie("sessionid", browser.session_cookie())
        page = other.get(SECURED).text
        if kind == "memory":  # each process has its own memory: not logged in there
            assert "You are not logged in" in page
        else:
            assert "Welcome USER: alice" in page
    finally:
        close_app(first)
        close_app(second)
