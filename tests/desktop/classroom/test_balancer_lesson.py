"""The load-balancer lesson's moves as the window shows them: a restarted server's store."""

from __future__ import annotations

import socket
import threading

import pytest
import requests
from helpers import LOGIN
from PySide6.QtCore import QCoreApplication

from desktop.classroom.balancer_lesson import balanced_lab, put_behind_balancer, restart_server


@pytest.fixture
def balanced(qtbot, window):
    """The window's lab behind the balancer, with one session on server A, in the store view."""
    put_behind_balancer(window)
    lab = balanced_lab(window)
    with requests.Session() as http:
        http.trust_env = False
        assert http.get(lab.server.url + LOGIN, timeout=10).status_code == 200
    model = window.inspectors.session_model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    return lab


def reading_threads(lab, monkeypatch) -> list[threading.Thread]:
    """Record the thread of every read of the lab's sessions."""
    threads: list[threading.Thread] = []
    read = lab.sessions

    def sessions():
        threads.append(threading.current_thread())
        return read()

    monkeypatch.setattr(lab, "sessions", sessions)
    return threads


def test_a_restart_empties_that_servers_rows_read_off_the_gui_thread(
    qtbot, window, balanced, monkeypatch
):
    threads = reading_threads(balanced, monkeypatch)
    restart_server(window, "A")  # its memory, and alice's form session, are gone
    qtbot.waitUntil(lambda: window.inspectors.session_model.rowCount() == 0)
    assert threads and threading.main_thread() not in threads
    assert window.status.message.full_text().startswith("Server A restarted")


def test_a_restart_leaves_a_watched_servers_store_view_alone(qtbot, window, balanced, monkeypatch):
    window.feed.watch("another server", balanced.sessions())
    threads = reading_threads(balanced, monkeypatch)
    restart_server(window, "A")
    assert window.inspectors.session_model.rowCount() == 1  # the watched server's session
    assert threads == []
    window.feed.unwatch()
    assert window.inspectors.session_model.rowCount() == 0  # the lab's own store again


def test_sessions_read_before_a_watch_began_do_not_replace_the_watched_view(
    qtbot, window, balanced
):
    watched = balanced.sessions()
    with qtbot.waitSignal(window.feed._sessions_read):
        restart_server(window, "A")  # read on a worker: A has no sessions now
        window.feed.watch("another server", watched)  # before the rows come back
    QCoreApplication.processEvents()  # the rows read reach the feed
    assert window.inspectors.session_model.rowCount() == 1
    assert window.feed.watching == "another server"


def session_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("session-server")]


def test_a_restart_that_cannot_take_server_bs_port_leaves_no_server_running_twice(
    qtbot, window, balanced
):
    serving = len(session_threads())
    port_b = balanced.server_b.port
    balanced.stop_backend("B")
    with socket.create_server(("127.0.0.1", port_b)):  # another program took B's port
        window.controls.restart_server()
    assert "could not start as asked" in window.controls.server_banner.text()
    lab = balanced_lab(window)
    assert lab is not balanced and lab.server_b.port != port_b
    # The lab that failed stopped its server A: as many serving threads as before, not more.
    qtbot.waitUntil(lambda: len(session_threads()) == serving)
