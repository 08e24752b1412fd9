"""The app factory: configuration, the data directory, the secret key, and the chosen store."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat

import pytest
from helpers import SECURED, SessionActions
from visitors import COOKIE, ClientTransport

from server import close_app, create_app, lab_state, purge_expired, snapshot
from server.config import DEFAULTS
from server.secret_key import KEY_FILE_NAME
from server.stores import MemoryStore, SqliteStore, StoreUnavailable


@pytest.fixture
def make_app():
    """Return create_app, closing every app it made at teardown."""
    made = []

    def make(config):
        made.append(create_app(config))
        return made[-1]

    yield make
    for app in made:
        close_app(app)


def test_each_app_is_fresh_and_isolated(make_app, tmp_path):
    first = make_app({"DATA_DIR": tmp_path / "one"})
    second = make_app({"DATA_DIR": tmp_path / "two"})
    alice = SessionActions(ClientTransport(first))
    alice.login("alice")
    intruder = SessionActions(ClientTransport(second))
    intruder.client.set_cookie(COOKIE, alice.session_cookie())
    assert "not logged in" in intruder.secured_page().text
    assert first.secret_key != second.secret_key
    assert snapshot(second) == []


def test_config_overrides_the_defaults(app, app_config):
    assert app.config["SESSION_COOKIE_NAME"] == DEFAULTS["SESSION_COOKIE_NAME"] == COOKIE
    assert app.config["DATA_DIR"] == app_config["DATA_DIR"]
    assert isinstance(lab_state(app).store, SqliteStore)


def test_unknown_store_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown session store 'mongodb'"):
        create_app({"DATA_DIR": tmp_path, "SESSION_STORE": "mongodb"})


def test_without_config_the_users_data_directory_is_used(make_app, monkeypatch, tmp_path):
    monkeypatch.setattr("server.app.default_data_dir", lambda: tmp_path / "user-data")
    app = make_app(None)
    assert lab_state(app).data_dir == tmp_path / "user-data"
    assert (tmp_path / "user-data" / KEY_FILE_NAME).exists()


def test_secret_key_is_made_once_readable_only_by_its_owner(make_app, app_config):
    first = make_app(app_config)
    key_file = app_config["DATA_DIR"] / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first.secret_key
    assert len(first.secret_key) >= 64
    assert make_app(app_config).secret_key == first.secret_key


def test_a_configured_secret_key_is_used_and_not_written(make_app, app_config):
    app = make_app({**app_config, "SECRET_KEY": "from-the-config"})
    assert app.secret_key == "from-the-config"
    assert not (app_config["DATA_DIR"] / KEY_FILE_NAME).exists()


def assert_memory_fallback(app, reason: str) -> None:
    """Check ``app`` keeps sessions in memory, says why, and still logs users in."""
    state = lab_state(app)
    assert state.store_name == "memory"
    assert isinstance(state.store, MemoryStore)
    assert state.data_dir is None
    [notice] = state.notices
    assert reason in notice
    assert "sessions are kept in memory" in notice
    visitor = SessionActions(ClientTransport(app))
    assert visitor.login("alice").status_code == 302
    assert "Welcome USER: alice !" in visitor.secured_page().text


def test_read_only_data_dir_falls_back_to_memory(make_app, read_only_dir):
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    assert_memory_fallback(make_app({"DATA_DIR": read_only_dir}), reason)


def test_unusable_data_dir_falls_back_to_memory(make_app, tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    app = make_app({"DATA_DIR": tmp_path / "a-file" / "data"})
    assert_memory_fallback(app, str(tmp_path / "a-file" / "data"))


def test_unopenable_database_falls_back_to_memory_and_is_left_alone(make_app, app_config):
    app_config["DATA_DIR"].mkdir(mode=0o700)
    (app_config["DATA_DIR"] / "sessions.sqlite3").mkdir()
    assert_memory_fallback(make_app(app_config), "cannot open")
    assert (app_config["DATA_DIR"] / "sessions.sqlite3").is_dir()


def test_corrupt_database_is_moved_aside_with_a_notice(make_app, app_config):
    data_dir = app_config["DATA_DIR"]
    data_dir.mkdir(mode=0o700)
    (data_dir / "sessions.sqlite3").write_bytes(b"garbage" * 1000)
    (data_dir / "sessions.sqlite3").chmod(0o600)
    app = make_app(app_config)
    [notice] = lab_state(app).notices
    [moved] = data_dir.glob("sessions.sqlite3.corrupt-*")
    assert str(moved) in notice
    assert moved.read_bytes() == b"garbage" * 1000
    visitor = SessionActions(ClientTransport(app))
    visitor.login("alice")
    assert [record.data["userid"] for record in snapshot(app)] == ["alice"]


def test_students_can_read_the_sessions_in_the_sqlite_file(new_visitor, app, app_config):
    for name in ("alice", "bob"):
        new_visitor().login(name)
    path = app_config["DATA_DIR"] / "sessions.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT id, data, created, last_seen, expires FROM sessions").fetchall()
    assert sorted(json.loads(data)["userid"] for _, data, *_ in rows) == ["alice", "bob"]
    assert {sid for sid, *_ in rows} == {record.sid for record in snapshot(app)}
    for _, _, created, last_seen, expires in rows:
        assert created <= last_seen < expires  # readable UTC text that sorts by time


def test_sessions_survive_a_new_app_over_the_same_data_dir(make_app, app_config):
    first = make_app(app_config)
    visitor = SessionActions(ClientTransport(first))
    visitor.login("alice")
    close_app(first)
    returning = SessionActions(ClientTransport(make_app(app_config)))
    returning.client.set_cookie(COOKIE, visitor.session_cookie())
    assert "Welcome USER: alice !" in returning.secured_page().text


@pytest.mark.parametrize("app_config", [{"SESSION_STORE": "cookie"}], indirect=True)
def test_cookie_store_is_flasks_signed_cookie_end_to_end(visitor, new_visitor, app, app_config):
    assert lab_state(app).store is None
    assert visitor.login("alice").status_code == 302
    assert "Welcome USER: alice !" in visitor.secured_page().text
    cookie = visitor.session_cookie()
    assert cookie.count(".") >= 2  # itsdangerous: payload.timestamp.signature
    assert snapshot(app) == [] and purge_expired(app) == []
    assert not (app_config["DATA_DIR"] / "sessions.sqlite3").exists()
    forger = new_visitor()
    forger.client.set_cookie(COOKIE, cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    assert "You are not logged in" in forger.client.get(SECURED).text
    assert "Successfully alice Logged out !" in visitor.logout().text
    assert "You are not logged in" in visitor.secured_page().text
    # The lesson of a client-side session: the server cannot revoke a copied cookie.
    replay = new_visitor()
    replay.client.set_cookie(COOKIE, cookie)
    assert "Welcome USER: alice !" in replay.secured_page().text


def test_close_app_releases_the_database(app):
    close_app(app)
    with pytest.raises(StoreUnavailable, match="closed"):
        snapshot(app)


def test_processes_starting_at_once_agree_on_one_complete_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from server.secret_key import load_or_create_secret_key

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: load_or_create_secret_key(tmp_path).key, range(32)))
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
