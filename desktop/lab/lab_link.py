"""The window's hold on its running lab: follow its events, replace it, purge what expired."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from desktop.lab.embedded_lab import Lab
from desktop.lab.event_bridge import ServerEventBridge
from server.records import SessionEvent

log = logging.getLogger(__name__)

PURGE_INTERVAL_MS = 1000


class LabLink(QObject):
    """Holds one running :class:`Lab` at a time and re-emits what it reports.

    ``session_event`` and ``server_failed`` come only from the lab followed now: events a
    replaced lab queued before it stopped are dropped. Everything here runs on the GUI thread
    except :meth:`_server_failed_in_thread` and the purge, which runs on a pool of one thread.
    """

    attached = Signal(object)  # Lab, just followed
    session_event = Signal(object)  # SessionEvent from the current lab's server
    server_failed = Signal(str)  # why the current lab's server stopped serving
    store_failed = Signal(str)  # why the current lab's session store fails (503 pages)
    store_recovered = Signal()  # the current lab's session store works again

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lab: Lab | None = None
        self.bridge: ServerEventBridge | None = None
        # Expiry happens on the server's clock; purge each second so expired rows leave live.
        self._purger = QThreadPool(self)
        self._purger.setMaxThreadCount(1)
        self._purge_timer = QTimer(self, interval=PURGE_INTERVAL_MS)
        self._purge_timer.timeout.connect(self._purge_expired)

    def attach(self, lab: Lab) -> None:
        """Follow ``lab`` (already started): its events, its failures, its expiry."""
        self.lab = lab
        lab.server.on_error = self._server_failed_in_thread
        self.bridge = ServerEventBridge(lab.app, self, lab.more_apps)
        self.bridge.session_event.connect(self._forward_event)
        self.bridge.server_failed.connect(self._forward_failure)
        self.bridge.store_failed.connect(self._forward_store_failure)
        self.bridge.store_recovered.connect(self._forward_store_recovery)
        self._purge_timer.start()
        self.attached.emit(lab)

    def detach(self) -> Lab | None:
        """Stop following the lab and stop its server; return it (not yet closed)."""
        lab, bridge = self.lab, self.bridge
        if lab is None or bridge is None:
            return None
        lab.server.on_error = None
        bridge.session_event.disconnect(self._forward_event)
        bridge.server_failed.disconnect(self._forward_failure)
        bridge.store_failed.disconnect(self._forward_store_failure)
        bridge.store_recovered.disconnect(self._forward_store_recovery)
        bridge.disconnect_app()
        bridge.deleteLater()
        lab.stop()
        self.lab = self.bridge = None
        return lab

    def replace(self, make_lab: Callable[[Lab], Lab]) -> str | None:
        """Close the lab and follow the one ``make_lab(old)`` builds; return why it failed.

        If that lab cannot start, the old one's store and files come back on any free port, so
        there is always a server; the returned sentence says what happened. None is success.
        """
        old = self.detach()
        old.close()
        lab = None
        try:
            lab = make_lab(old)
            lab.start()
        except Exception as error:  # the window must keep a working lab, whatever went wrong
            log.exception("the new session server could not start")
            if lab is not None:  # what it did start (a server, its store) must not linger
                self._close_failed(lab)
            lab = old.rebuilt(port=0)
            lab.start()
            self.attach(lab)
            return f"The session server could not start as asked ({error}); it runs on {lab.url}."
        self.attach(lab)
        return None

    @staticmethod
    def _close_failed(lab: Lab) -> None:
        try:
            lab.close()
        except Exception:  # the fallback lab must still start
            log.exception("a session server that failed to start could not be closed")

    def close(self) -> Lab | None:
        """Stop purging and following; return the lab, its server stopped, for closing."""
        self._purge_timer.stop()
        self._purger.waitForDone(1000)
        return self.detach()

    def _server_failed_in_thread(self, error: BaseException) -> None:
        # Called on the server's thread: hand over to the GUI thread through the bridge.
        bridge = self.bridge
        if bridge is not None:
            bridge.report_server_failure(error)

    def _from_current_bridge(self) -> bool:
        # Queued from a lab already replaced or closed (its bridge may be gone: sender() None).
        return self.bridge is not None and self.sender() is self.bridge

    @Slot(object)
    def _forward_event(self, event: SessionEvent) -> None:
        if self._from_current_bridge():
            self.session_event.emit(event)

    @Slot(str)
    def _forward_failure(self, message: str) -> None:
        if self._from_current_bridge():
            self.server_failed.emit(message)

    @Slot(str)
    def _forward_store_failure(self, message: str) -> None:
        if self._from_current_bridge():
            self.store_failed.emit(message)

    @Slot()
    def _forward_store_recovery(self) -> None:
        if self._from_current_bridge():
            self.store_recovered.emit()

    @Slot()
    def _purge_expired(self) -> None:
        # On a worker: the database may be busy (a student has it open), the window must not be.
        lab = self.lab
        if lab is not None and lab.server_side and self._purger.activeThreadCount() == 0:
            self._purger.start(lab.purge_expired)
