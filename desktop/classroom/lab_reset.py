"""File → Reset the lab: cancel what is in flight, then empty the store, jar and timeline.

While the lab is shared, the sessions the class's devices hold stay: a teacher starting a
walkthrough on the projector must not log the whole room out.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.classroom.lab_window import LabWindow
from desktop.classroom.scenario_state import lab_defaults
from server.paths import LOGIN_PATH

POLL_MS = 50


class LabReset(QObject):
    """Brings a window's lab back to one browser, an empty store and every switch off.

    Each browser starts a new generation first, so whatever a request still in flight reports
    is dropped; the store is emptied only once those requests are over, since a login still
    waiting on a slow server would otherwise leave its session behind. GUI thread only.
    """

    finished = Signal()

    def __init__(self, window: LabWindow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.pending = False
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._finish_when_idle)

    def start(self) -> None:
        """Reset now; the store is emptied as soon as no request is in flight any more."""
        window = self.window
        for browser in window.browsers:
            browser.controller.cancel()
        lab_defaults(window)
        window.close_extra_browsers()
        window.inspectors.reset()
        self.pending = True
        if not self._finish_when_idle():
            window.status.show_message("Resetting the lab once the request in flight ends…")
            self._timer.start()

    @Slot()
    def _finish_when_idle(self) -> bool:
        window = self.window
        if window.lab is None or any(browser.busy for browser in window.browsers):
            return False
        self._timer.stop()
        store = window.lab.state.store
        kept = 0
        if store is not None:
            students = window.class_sessions()  # shared: the class stays logged in
            for record in window.lab.sessions():
                if record.sid in students:
                    kept += 1
                else:
                    store.delete(record.sid)
        first = window.browsers[0]
        first.controller.clear_cookies()
        window.inspectors.reset()
        window.controls.refresh_lab_view()
        window.status.show_message(
            f"Lab reset. The class's {kept} session{'s' if kept != 1 else ''} stayed: students "
            "are still logged in (Server → Stop sharing first to clear them too)."
            if kept
            else ""
        )
        first.controller.open(LOGIN_PATH)
        self.pending = False
        self.finished.emit()
        return True
