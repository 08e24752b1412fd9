"""File → Watch a server…: another server's store in the store view, live, read-only."""

from __future__ import annotations

import json
import threading

import pytest
import redis
import requests
from gunicorn_server import GunicornServer
from helpers import LOGOUT, SessionActions, browser_login, page_text, submit_login
from PySide6.QtCore import Qt
from redis_server import free_port
from visitors import ClientTransport

from server import close_app, create_app
from server.change_feed import ChangeFeed, encode
from server.records import SessionEvent, SessionRecord
from server.redis_feed import channel

READ_ONLY_USER = "watch-only"


@pytest.fixture(params=["redis", "sqlite"])
def external(request, tmp_path):
    """Another server, in processes of its own: gunicorn with 2 workers, on Redis or SQLite."""
    env = {"SESSION_LAB_STORE": request.param, "SESSION_LAB_DATA_DIR": str(tmp_path / "ext")}
    if request.param == "redis":
        env["SESSION_LAB_REDIS_URL"] = request.getfixturevalue("redis_url")
    server = GunicornServer(2, env, tmp_path / "gunicorn.log")
    server.start()
    yield server
    assert server.stop() == 0, server.log


def watch_target(server: GunicornServer) -> str:
    """What a teacher types: the data directory, or the Redis URL of a user who may only read."""
    url = server.env.get("SESSION_LAB_REDIS_URL")
    if url is None:
        return server.env["SESSION_LAB_DATA_DIR"]
    admin = redis.Redis.from_url(url)
    admin.acl_setuser(
        READ_ONLY_USER, enabled=True, passwords=["+pw"], keys=["session-lab:*"],
        channels=["session-lab:*"], commands=["+@read", "+@pubsub", "+@connection"],
    )  # fmt: skip
    admin.close()
    return url.replace("redis://", f"redis://{READ_ONLY_USER}:pw@")


def start_watching(window, target: str):
    """File → Watch a server…, type ``target``, press Watch."""
    dialog = window.watching.ask()
    dialog.target_edit.setText(target)
    dialog.watch_button.click()
    return dialog


def users(window) -> list[str | None]:
    """The user of each row the store view shows."""
    return [r.data.get("userid") for r in window.inspectors.session_model.records()]


def test_watching_another_server_shows_its_sessions_live(qtbot, window, external):
    http = requests.Session()
    http.trust_env = False
    assert browser_login(http, external.url, "bob").status_code == 302
    dialog = start_watching(window, watch_target(external))
    banner = window.watching.banner
    qtbot.waitUntil(lambda: banner.text().startswith("WATCHING "))
    assert "(read-only)" in banner.text() and banner.button.text() == "Stop watching"
    assert not dialog.isVisible()
    assert "bob" in users(window)
    assert "Watching" in window.inspectors.store_note.text()
    assert "pw@" not in banner.text()  # the password never shows

    carol = requests.Session()
    carol.trust_env = False
    assert browser_login(carol, external.url, "carol").status_code == 302
    qtbot.waitUntil(lambda: "carol" in users(window))
    carol.get(external.url + LOGOUT, timeout=10)
    qtbot.waitUntil(lambda: "carol" not in users(window))
    note = window.inspectors.store_note.text()
    assert "(carol) deleted" in note
    if "SESSION_LAB_REDIS_URL" in external.env:  # Redis servers say which worker they are
        assert any(f":{pid}," in note for pid in external.worker_pids())

    # The lab's own browser still uses the lab's server; its session is not in the watched view.
    submit_login(window, "alice", "pw")
    qtbot.waitUntil(lambda: "Welcome USER: alice !" in page_text(window))
    assert "alice" not in users(window)
    assert "CANNOT BE READ" not in banner.text()  # a read-only Redis user: nothing was written

    banner.button.click()
    assert banner.text() == ""
    assert users(window) == ["alice"]
    assert window.inspectors.store_box.title() == "Session store (server)"
    http.close()
    carol.close()


def _text_file(tmp):
    (tmp / "notes.txt").write_text("not a database " * 100)
    return str(tmp / "notes.txt")


def _damaged(tmp):
    path = tmp / "sessions.sqlite3"
    app = create_app({"DATA_DIR": tmp, "SESSION_STORE": "sqlite"})
    for n in range(60):
        SessionActions(ClientTransport(app)).login(f"user-{n}")
    close_app(app)
    with path.open("r+b") as handle:
        handle.seek(4096 * 2)
        handle.write(b"\xa5" * 4096 * 2)
    return str(tmp)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: "", "Type a Redis URL"),
        (lambda tmp: "htp://localhost:6379", "is not a Redis URL"),
        (lambda tmp: f"redis://127.0.0.1:{free_port()}/0", "cannot reach Redis at"),
        (lambda tmp: str(tmp / "missing"), "does not exist"),
        (_text_file, "is not an SQLite database"),
        (_damaged, "is damaged"),
        (lambda tmp: "~no-such-user-here/sessions.sqlite3", "cannot be read as a file name"),
        (lambda tmp: f"{tmp}/a\0b", "NUL character"),
    ],
    ids=[
        "empty",
        "typo",
        "no-redis",
        "missing",
        "not-a-database",
        "damaged",
        "unknown-user",
        "nul",
    ],
)
def test_what_cannot_be_watched_is_said_in_the_dialog(qtbot, window, tmp_path, make, says):
    dialog = start_watching(window, make(tmp_path))
    qtbot.waitUntil(lambda: says in dialog.error_label.text())
    assert dialog.isVisible() and dialog.watch_button.isEnabled()
    assert window.watching.banner.text() == ""
    assert not window.watching.watch.active
    dialog.reject()
    submit_login(window, "alice", "pw")  # the app goes on as before
    qtbot.waitUntil(lambda: "Welcome USER: alice !" in page_text(window))
    assert users(window) == ["alice"]


def test_an_unexpected_error_is_said_in_the_dialog(qtbot, window, monkeypatch, caplog):
    def broken(target):
        raise KeyError("surprise")

    monkeypatch.setattr("desktop.lab.store_watch.open_feed", broken)
    dialog = start_watching(window, "anything")
    qtbot.waitUntil(lambda: "surprise" in dialog.error_label.text())
    assert dialog.error_label.text().startswith("Cannot watch anything:")
    assert dialog.watch_button.isEnabled() and not window.watching.watch.active
    assert "watching 'anything' failed" in caplog.text  # the traceback goes to the log
    dialog.reject()


def test_messages_no_server_sends_are_not_shown(qtbot, window, redis_url, tmp_path, caplog):
    start_watching(window, redis_url)
    qtbot.waitUntil(lambda: window.watching.banner.text().startswith("WATCHING "))
    event = SessionEvent("created", "abc", SessionRecord("abc", {"userid": "x"}, 1.0, 1.0, 9.0))
    good = json.loads(encode(event, "h:1"))
    publisher = redis.Redis.from_url(redis_url)
    for bad in ({"record": good["record"] | {"data": "[1]"}}, {"at": float("inf")}):
        publisher.publish(channel("session-lab:"), json.dumps(good | bad))
    publisher.close()
    other = create_app({"SESSION_STORE": "redis", "REDIS_URL": redis_url, "DATA_DIR": tmp_path})
    SessionActions(ClientTransport(other)).login("dave")  # what follows is still shown
    qtbot.waitUntil(lambda: "dave" in users(window))
    close_app(other)
    assert caplog.text.count("ignoring a message that is not a session event") == 2
    assert "abc" not in [r.sid for r in window.inspectors.session_model.records()]
    window.watching.stop()


def test_a_watched_event_the_window_cannot_show_is_left_out(qtbot, window):
    window.feed.watch("SQLite file x", [])
    for record in (SessionRecord("s", [1], 1.0, 1.0, 9.0), SessionRecord("s", {}, 1.0, 1.0, 1e20)):
        window.feed.on_watched_event(SessionEvent("created", "s", record))
    window.feed.on_watched_event(SessionEvent("created", "s", None, at=float("inf")))
    assert window.inspectors.session_model.records() == []
    window.feed.unwatch()


def test_closing_the_window_does_not_wait_for_the_watch(qtbot, window, monkeypatch):
    release = threading.Event()

    class Stuck(ChangeFeed):  # a store that takes its time to answer
        def snapshot(self):
            release.wait(30)
            return []

        def changes(self, timeout):
            return []

    monkeypatch.setattr("desktop.lab.store_watch.open_feed", lambda target: Stuck())
    window.watching.start("anything")
    thread = window.watching.watch._thread
    joined = []
    thread.join = lambda *args: joined.append(args)  # the window must not wait on it
    window.close()
    assert joined == []
    assert thread.is_alive() and not window.watching.watch.active
    release.set()
    threading.Thread.join(thread, 30)
    assert not thread.is_alive()  # it ended by itself, having emitted into nothing


def test_what_is_watched_shows_as_typed_and_the_status_line_says_it(qtbot, window, tmp_path):
    folder = tmp_path / "<b>bold</b>"  # a legal folder name, and HTML if Qt guessed so
    other = create_app({"DATA_DIR": folder, "SESSION_STORE": "sqlite"})
    SessionActions(ClientTransport(other)).login("zoe")
    close_app(other)
    status, banner = window.status, window.watching.banner
    start_watching(window, str(folder))
    qtbot.waitUntil(lambda: banner.text().startswith("WATCHING SQLite file "))
    assert "<b>bold</b>" in banner.text()
    # Not "Store: sqlite" (the lab's) beside the watched rows: one label says what is counted.
    assert status.store.isHidden()
    assert status.sessions.text().startswith("Watching SQLite file ")
    assert status.sessions.text().endswith("/<b>bold</b>/sessions.sqlite3: 1 session")
    assert "…" in status.sessions.text()  # a long path gives way in the middle
    assert "/&lt;b&gt;bold&lt;/b&gt;/sessions.sqlite3" in status.sessions.toolTip()  # escaped
    window.watching.stop()
    assert not status.store.isHidden()
    assert status.sessions.text().startswith("Live sessions: ")
    window.watching.start("<b>x</b>://y")  # no dialog open: the status line says it
    qtbot.waitUntil(lambda: "<b>x</b>://y is not a Redis URL" in status.message.full_text())
    for label in (banner.label, status.message, status.sessions, status.store, status.url):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()


def test_redis_gone_mid_watch_is_said_and_the_view_comes_back(qtbot, window, own_redis, tmp_path):
    start_watching(window, own_redis.url)
    banner = window.watching.banner
    qtbot.waitUntil(lambda: banner.text().startswith("WATCHING "))
    own_redis.stop()
    qtbot.waitUntil(lambda: "CANNOT BE READ" in banner.text(), timeout=15000)
    assert "Trying again" in banner.text()
    submit_login(window, "alice", "pw")  # the app stays usable meanwhile
    qtbot.waitUntil(lambda: "Welcome USER: alice !" in page_text(window))

    own_redis.start()
    qtbot.waitUntil(lambda: "CANNOT BE READ" not in banner.text(), timeout=15000)
    assert banner.text().startswith("WATCHING ")
    other = create_app({"SESSION_STORE": "redis", "REDIS_URL": own_redis.url, "DATA_DIR": tmp_path})
    SessionActions(ClientTransport(other)).login("dave")
    qtbot.waitUntil(lambda: "dave" in users(window))
    close_app(other)
    window.watching.stop()


def test_reset_and_scenarios_stop_watching(qtbot, window, tmp_path):
    other = create_app({"DATA_DIR": tmp_path / "other", "SESSION_STORE": "sqlite"})
    SessionActions(ClientTransport(other)).login("zoe")
    close_app(other)
    start_watching(window, str(tmp_path / "other"))
    qtbot.waitUntil(lambda: window.watching.banner.text().startswith("WATCHING "))
    assert users(window) == ["zoe"]
    window.reset_lab()
    qtbot.waitUntil(lambda: window.watching.banner.text() == "")
    assert users(window) == []  # the lab's own store, emptied by the reset
    assert not window.watching.watch.active


def test_a_corrected_target_is_watched_from_the_same_dialog(qtbot, window, tmp_path):
    other = create_app({"DATA_DIR": tmp_path / "other", "SESSION_STORE": "sqlite"})
    SessionActions(ClientTransport(other)).login("zoe")
    close_app(other)
    dialog = start_watching(window, str(tmp_path / "othr"))
    qtbot.waitUntil(lambda: "does not exist" in dialog.error_label.text())
    dialog.target_edit.setText(str(tmp_path / "other"))
    dialog.watch_button.click()
    qtbot.waitUntil(lambda: window.watching.banner.text().startswith("WATCHING SQLite file "))
    assert not dialog.isVisible()
    assert users(window) == ["zoe"]
    window.watching.stop()
    assert window.watching.ask().target_edit.text() == str(tmp_path / "other")  # remembered
