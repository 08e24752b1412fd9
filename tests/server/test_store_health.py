"""A damaged, read-only or full store: checked at start, a 503 while it fails, said only once."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from helpers import LOGIN, SECURED, SessionActions
from visitors import ClientTransport

from server import close_app, create_app, lab_state, snapshot
from server.events import store_failed, store_recovered
from server.stores import MemoryStore, SqliteStore, StoreUnavailable

WELCOME = "Welcome USER: alice !"


def test_damage_inside_an_intact_file_is_found_and_moved_aside(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    path = data_dir / "sessions.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE filler (x TEXT); CREATE INDEX filler_x ON filler (x);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
        " INSERT INTO filler SELECT hex(randomblob(32)) FROM n;"
    )
    conn.close()
    path.chmod(0o600)
    with path.open("r+b") as handle:  # the header stays intact; a page in the middle does not
        handle.seek(4096 * 6)
        handle.write(b"\xde\xad\xbe\xef" * 1024)
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    app = create_app({"DATA_DIR": data_dir})
    [notice] = lab_state(app).notices
    assert "was damaged" in notice
    [moved] = data_dir.glob("sessions.sqlite3.corrupt-*")
    assert str(moved) in notice
    assert SessionActions(ClientTransport(app)).login("alice").status_code == 302
    assert [r.data["userid"] for r in snapshot(app)] == ["alice"]


def test_a_read_only_store_falls_back_to_memory_with_a_notice(tmpfs):
    data_dir = tmpfs.path / "data"
    close_app(create_app({"DATA_DIR": data_dir}))
    tmpfs.remount("ro")
    app = create_app({"DATA_DIR": data_dir})
    state = lab_state(app)
    assert isinstance(state.store, MemoryStore)
    [notice] = state.notices
    assert "sessions are kept in memory" in notice
    assert SessionActions(ClientTransport(app)).login("alice").status_code == 302


@pytest.fixture
def store_signals(app):
    """Record the store_failed and store_recovered signals of ``app``, in order."""
    seen = []
    failed = lambda sender, message: seen.append(("failed", message))  # noqa: E731
    recovered = lambda sender: seen.append(("recovered", None))  # noqa: E731
    store_failed.connect(failed, sender=app)
    store_recovered.connect(recovered, sender=app)
    yield seen
    store_failed.disconnect(failed, sender=app)
    store_recovered.disconnect(recovered, sender=app)


@pytest.fixture
def app_config(tmpfs):
    """An app whose data directory is on a small tmpfs."""
    return {"DATA_DIR": tmpfs.path / "data", "SESSION_STORE": "sqlite"}


def test_a_full_disk_gives_503s_said_once_and_reads_keep_working(app, tmpfs, store_signals, caplog):
    alice = SessionActions(ClientTransport(app))
    alice.login("alice")
    filler = tmpfs.fill()
    with caplog.at_level(logging.ERROR, logger="server.store_health"):
        for _ in range(3):
            newcomer = SessionActions(ClientTransport(app))
            page = newcomer.client.get(LOGIN)  # a new session must be written: it cannot be
            assert page.status_code == 503
            assert "cannot read or write its session store" in page.text
            assert "Set-Cookie" not in page.headers
            assert WELCOME in alice.secured_page().text  # reads need no write
    failures = [r for r in caplog.records if "session store fails" in r.getMessage()]
    assert len(failures) == 1
    assert [kind for kind, _ in store_signals] == ["failed"]
    assert "full" in store_signals[0][1]

    filler.unlink()
    assert SessionActions(ClientTransport(app)).login("bob").status_code == 302
    assert [kind for kind, _ in store_signals] == ["failed", "recovered"]


def test_a_store_that_cannot_be_read_gives_503_but_the_index_still_answers(app, monkeypatch):
    visitor = SessionActions(ClientTransport(app))
    visitor.login("alice")

    def failing_load(self, sid):
        raise StoreUnavailable("cannot read the store: disk I/O error")

    monkeypatch.setattr(SqliteStore, "load", failing_load)
    page = visitor.client.get(SECURED)
    assert page.status_code == 503
    assert "cannot read or write its session store" in page.text
    assert visitor.client.get("/").status_code == 200  # the index needs no session
