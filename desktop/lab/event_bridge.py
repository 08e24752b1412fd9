"""Hands the server's session events (sent on Flask's request threads) to the GUI thread."""

from __future__ import annotations

import threading
import time
from collections import deque

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.lab.class_server import CLASS_ORIGIN
from server.events import ALL_SIGNALS, store_failed, store_recovered
from server.records import SessionEvent


class ServerEventBridge(QObject):
    """Re-emits the blinker signals of a Flask app (and of ``more_apps``: the lab's second
    server behind its balancer) as the Qt signal :attr:`session_event`.

    Receivers run on Flask's request threads and only emit; Qt queues the emission onto the
    thread this object lives in (the GUI thread), so no widget is ever touched from Flask.

    The class's events (a room logging in at once: a hundred in a burst) wait in a queue of
    their own and are handed on a few milliseconds' worth per turn of the event loop, so the
    window keeps drawing between them; the lab's own browsers' events never wait behind them.
    """

    session_event = Signal(object)  # SessionEvent
    server_failed = Signal(str)  # why the embedded server stopped serving
    store_failed = Signal(str)  # why the session store fails (the server answers 503)
    store_recovered = Signal()  # the session store works again
    _class_waiting = Signal()  # (any thread) the class's queue was empty and is not

    #: The GUI thread's time for the class's events per turn of the event loop, seconds.
    CLASS_SLICE = 0.004

    def __init__(self, app, parent: QObject | None = None, more_apps=()) -> None:
        super().__init__(parent)
        self._apps = (app, *more_apps)
        self._class_events: deque[SessionEvent] = deque()
        self._class_lock = threading.Lock()
        self._class_handing = False  # a hand-on is scheduled or running
        self._class_waiting.connect(self._hand_on_class_events)
        for each in self._apps:
            for signal in ALL_SIGNALS.values():
                signal.connect(self._receive, sender=each, weak=False)
            store_failed.connect(self._store_failed, sender=each, weak=False)
            store_recovered.connect(self._store_recovered, sender=each, weak=False)

    def _receive(self, sender, event: SessionEvent) -> None:
        if event.origin != CLASS_ORIGIN:
            self.session_event.emit(event)
            return
        with self._class_lock:
            self._class_events.append(event)
            wake, self._class_handing = not self._class_handing, True
        if wake:
            self._class_waiting.emit()

    @Slot()
    def _hand_on_class_events(self) -> None:
        # On the GUI thread: a slice's worth now, the rest on the next turn of the loop.
        ends = time.perf_counter() + self.CLASS_SLICE
        while self._class_events:
            self.session_event.emit(self._class_events.popleft())
            if time.perf_counter() >= ends:
                break
        with self._class_lock:
            self._class_handing = bool(self._class_events)
        if self._class_handing:
            QTimer.singleShot(0, self, self._hand_on_class_events)

    def _store_failed(self, sender, message: str) -> None:
        self.store_failed.emit(message)

    def _store_recovered(self, sender) -> None:
        self.store_recovered.emit()

    def report_server_failure(self, error: BaseException) -> None:
        """Tell the GUI thread that the server stopped (safe to call from any thread)."""
        self.server_failed.emit(f"{type(error).__name__}: {error}")

    def disconnect_app(self) -> None:
        """Stop listening to the apps' signals."""
        for each in self._apps:
            for signal in ALL_SIGNALS.values():
                signal.disconnect(self._receive, sender=each)
            store_failed.disconnect(self._store_failed, sender=each)
            store_recovered.disconnect(self._store_recovered, sender=each)
