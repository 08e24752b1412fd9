"""A failing session store shows in the window's red bar, once, and the bar clears on recovery."""

from __future__ import annotations

from helpers import page_text, submit_login

from server.stores import SqliteStore, StoreUnavailable


def test_a_failing_store_shows_in_the_red_bar_until_it_works_again(qtbot, window, monkeypatch):
    real_save = SqliteStore.save

    def full_disk(self, record, *, create):
        raise StoreUnavailable("cannot write sessions.sqlite3: database or disk is full")

    monkeypatch.setattr(SqliteStore, "save", full_disk)
    submit_login(window, "alice", "pw")
    qtbot.waitUntil(lambda: "503" in page_text(window))
    bar = window.controls.server_banner
    qtbot.waitUntil(lambda: "The session store fails" in bar.text())
    assert "database or disk is full" in bar.text()

    monkeypatch.setattr(SqliteStore, "save", real_save)
    window.controller.open("/app_sessions/login/")
    qtbot.waitUntil(lambda: "Type Anything" in page_text(window))
    submit_login(window, "alice", "pw")
    qtbot.waitUntil(lambda: "Welcome USER: alice !" in page_text(window))
    qtbot.waitUntil(lambda: bar.text() == "")
