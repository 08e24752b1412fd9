"""The bridge hands the server's session events, sent on Flask's threads, to the GUI thread."""

from __future__ import annotations

import threading

import pytest
from helpers import LOGIN
from PySide6.QtCore import QObject, QThread, Slot

from desktop.browser.browser_client import BrowserClient
from desktop.lab.event_bridge import ServerEventBridge
from server.events import ALL_SIGNALS, publish
from server.records import SessionEvent


class Receiver(QObject):
    """A GUI-thread object that notes each call and the thread it ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[object, QThread]] = []

    @Slot(object)
    def receive(self, value) -> None:
        """Note ``value`` and the current thread."""
        self.calls.append((value, QThread.currentThread()))


# As in the lab: last_seen is written, and published, on every request.
pytestmark = pytest.mark.parametrize("app_config", [{"SESSION_REFRESH_INTERVAL": 0}], indirect=True)


@pytest.fixture
def bridge(qapp, app):
    """A bridge over ``app``, disconnected at the end."""
    bridge = ServerEventBridge(app)
    yield bridge
    bridge.disconnect_app()


@pytest.fixture
def receiver(qapp):
    return Receiver()


@pytest.fixture
def browser(live_server):
    client = BrowserClient(live_server.url)
    yield client
    client.close()


@pytest.fixture
def publishing_threads(app):
    """The names of the threads the server published its events on, in order."""
    names = []

    def note(sender, event):
        names.append(threading.current_thread().name)

    for signal in ALL_SIGNALS.values():
        signal.connect(note, sender=app, weak=False)
    yield names
    for signal in ALL_SIGNALS.values():
        signal.disconnect(note, sender=app)


def test_a_real_request_brings_its_event_to_the_gui_thread(
    qtbot, qapp, bridge, receiver, browser, publishing_threads
):
    bridge.session_event.connect(receiver.receive)
    with qtbot.waitSignal(bridge.session_event) as blocker:
        browser.open(LOGIN)  # the form stores its CSRF token: a session is created
    qtbot.waitUntil(lambda: len(receiver.calls) == 1)
    (event, thread), sid = receiver.calls[0], browser.jar()[0].value
    assert isinstance(event, SessionEvent) and (event.kind, event.sid) == ("created", sid)
    assert blocker.args == [event]
    assert thread == qapp.thread()
    assert publishing_threads[0].startswith("session-server-worker")  # sent off the GUI thread


def test_events_of_a_whole_login_arrive_in_order(qtbot, bridge, receiver, browser):
    bridge.session_event.connect(receiver.receive)
    browser.login("alice", "pw")
    browser.logout()
    kinds = ["created", "rotated", "changed", "deleted"]
    qtbot.waitUntil(lambda: [e.kind for e, _ in receiver.calls] == kinds)


def test_events_of_other_senders_are_not_forwarded(qtbot, qapp, bridge, receiver, app):
    bridge.session_event.connect(receiver.receive)
    publish(object(), SessionEvent("created", "other"))
    publish(app, SessionEvent("created", "ours"))
    qtbot.waitUntil(lambda: len(receiver.calls) == 1)
    qapp.processEvents()
    assert [event.sid for event, _ in receiver.calls] == ["ours"]


def test_no_events_after_disconnect(qtbot, qapp, bridge, receiver, browser, events):
    bridge.session_event.connect(receiver.receive)
    bridge.disconnect_app()
    browser.login("alice", "pw")
    assert [event.kind for event in events] == ["created", "rotated", "changed"]
    qapp.processEvents()  # would deliver anything queued before the responses came back
    assert receiver.calls == []


def test_a_server_failure_is_reported_on_the_gui_thread(qtbot, qapp, bridge, receiver):
    bridge.server_failed.connect(receiver.receive)
    worker = threading.Thread(target=bridge.report_server_failure, args=(OSError("socket gone"),))
    with qtbot.waitSignal(bridge.server_failed):
        worker.start()
        worker.join()
    qtbot.waitUntil(lambda: len(receiver.calls) == 1)
    assert receiver.calls == [("OSError: socket gone", qapp.thread())]


def test_the_class_s_events_come_in_order_a_slice_per_turn_of_the_loop(
    qtbot, app, bridge, receiver, monkeypatch
):
    from desktop.lab.class_server import CLASS_ORIGIN

    monkeypatch.setattr(ServerEventBridge, "CLASS_SLICE", 0.0)  # one event per turn
    bridge.session_event.connect(receiver.receive)
    events = [SessionEvent("created", f"sid{n}", origin=CLASS_ORIGIN) for n in range(5)]
    workers = [threading.Thread(target=publish, args=(app, event)) for event in events[:3]]
    for worker in workers:  # one after another, as the class server's reader sends them
        worker.start()
        worker.join()
    own = SessionEvent("created", "teacher")
    teacher = threading.Thread(target=publish, args=(app, own))
    teacher.start()
    teacher.join()
    for event in events[3:]:
        publish(app, event)
    qtbot.waitUntil(lambda: len(receiver.calls) == 6)
    heard = [value for value, _ in receiver.calls]
    # The lab's own browser's event did not wait behind the three queued before it.
    assert heard.index(own) < 3
    assert [value for value in heard if value != own] == events
    assert {thread for _, thread in receiver.calls} == {QThread.currentThread()}
