"""Hands the server's session events (sent on Flask's request threads) to the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from server.events import ALL_SIGNALS, store_failed, store_recovered
from server.records import SessionEvent


class ServerEventBridge(QObject):
    """Re-emits the blinker signals of a Flask app (and of ``more_apps``: the lab's second
    server behind its balancer) as the Qt signal :attr:`session_event`.

    Receivers run on Flask's request threads and only emit; Qt queues the emission onto the
    thread this object lives in (the GUI thread), so no widget is ever touched from Flask.
    """

    session_event = Signal(object)  # SessionEvent
    server_failed = Signal(str)  # why the embedded server stopped serving
    store_failed = Signal(str)  # why the session store fails (the server answers 503)
    store_recovered = Signal()  # the session store works again

    def __init__(self, app, parent: QObject | None = None, more_apps=()) -> None:
        super().__init__(parent)
        self._apps = (app, *more_apps)
        for each in self._apps:
            for signal in ALL_SIGNALS.values():
                signal.connect(self._receive, sender=each, weak=False)
            store_failed.connect(self._store_failed, sender=each, weak=False)
            store_recovered.connect(self._store_recovered, sender=each, weak=False)

    def _receive(self, sender, event: SessionEvent) -> None:
        self.session_event.emit(event)

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
