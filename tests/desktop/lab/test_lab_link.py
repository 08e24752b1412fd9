"""The window's hold on its lab: events from the current lab only, replacement, fallback, close."""

from __future__ import annotations

import threading

import pytest
import requests
from helpers import LOGIN, browser_login
from PySide6.QtCore import QCoreApplication

from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_link import LabLink
from server.records import SessionEvent
from server.runner import ServerStartError


@pytest.fixture
def link(qtbot, tmp_path):
    """A link following a running SQLite lab; closed (with its lab) at the end."""
    link = LabLink()
    lab = Lab(store="sqlite", data_dir=tmp_path / "data")
    lab.start()
    with qtbot.waitSignal(link.attached) as attached:
        link.attach(lab)
    assert attached.args == [lab]
    yield link
    last = link.close()
    if last is not None:
        last.close()


def http_session() -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    return http


def test_the_current_labs_session_events_are_forwarded(qtbot, link):
    with http_session() as http, qtbot.waitSignal(link.session_event) as forwarded:
        browser_login(http, link.lab.url)
    assert isinstance(forwarded.args[0], SessionEvent)
    assert forwarded.args[0].kind == "created"


def test_a_replaced_lab_is_stopped_and_the_new_one_followed(qtbot, link):
    old = link.lab
    with qtbot.waitSignal(link.attached) as attached:
        assert link.replace(lambda previous: previous.rebuilt(store="memory")) is None
    assert attached.args == [link.lab]
    assert link.lab is not old and link.lab.state.store_name == "memory"
    assert not old.server.running
    with http_session() as http, qtbot.waitSignal(link.session_event):
        assert browser_login(http, link.lab.url).status_code == 302


def test_events_queued_by_a_replaced_lab_are_dropped(qtbot, link):
    old_bridge = link.bridge
    # A request thread of the old server reports an event: Qt queues it for the GUI thread...
    emitter = threading.Thread(
        target=old_bridge.session_event.emit, args=(SessionEvent("created", "stale"),)
    )
    emitter.start()
    emitter.join()
    # ...and the lab is replaced before the event loop delivers it.
    link.replace(lambda previous: previous.rebuilt())
    heard: list[SessionEvent] = []
    link.session_event.connect(heard.append)
    QCoreApplication.processEvents()
    assert heard == []


def test_a_lab_that_cannot_start_gives_way_to_the_old_one_on_a_free_port(qtbot, link):
    data_dir = link.lab.state.data_dir

    def broken(previous: Lab) -> Lab:
        raise OSError("the disk is full")

    failure = link.replace(broken)
    assert "could not start as asked (the disk is full)" in failure
    assert link.lab.server.running and link.lab.state.data_dir == data_dir
    assert failure.endswith(f"it runs on {link.lab.url}.")
    with http_session() as http:
        assert http.get(link.lab.url + LOGIN, timeout=5).status_code == 200


def test_a_lab_that_fails_to_start_is_closed_before_the_old_one_comes_back(qtbot, link):
    failed: list[Lab] = []

    class HalfStarted(Lab):
        """Starts its server, then fails (as a balanced lab whose server B cannot start)."""

        closed = False

        def start(self) -> str:
            super().start()
            failed.append(self)
            raise ServerStartError("server B cannot listen")

        def close(self) -> None:
            self.closed = True
            super().close()

    failure = link.replace(lambda previous: HalfStarted(data_dir=previous.state.data_dir))
    assert "server B cannot listen" in failure
    assert failed[0].closed and not failed[0].server.running
    assert link.lab is not failed[0] and link.lab.server.running


def test_a_server_failure_on_its_thread_reaches_the_gui_thread_in_words(qtbot, link):
    with qtbot.waitSignal(link.server_failed) as failed:
        link.lab.server.on_error(OSError("the socket went away"))
    assert failed.args == ["OSError: the socket went away"]


def test_close_stops_the_server_and_lets_go_of_the_lab(link):
    lab = link.lab
    assert link.close() is lab
    assert not lab.server.running
    assert link.lab is None and link.bridge is None
    assert link.close() is None  # twice is harmless
    lab.close()
