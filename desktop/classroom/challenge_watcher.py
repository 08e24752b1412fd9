"""Feeds a :class:`ChallengeLog` from the window's timeline, store events and lab restarts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Signal, Slot

from desktop.classroom.challenge_log import ChallengeLog, Hop, Restart, StoreChange
from desktop.classroom.lab_window import LabWindow
from server.records import SessionEvent


class ChallengeWatcher(QObject):
    """Records what the lab observes while a challenge runs; GUI thread only.

    Hops come from the timeline's rows (each an exchange with the store events it caused),
    expiries from the store's events (a purge is no exchange's doing), restarts from the
    window's hold on its lab.
    """

    changed = Signal()  # something was recorded: time to check the challenge again

    def __init__(self, window: LabWindow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.log = ChallengeLog()
        self.recording = False
        timeline = window.inspectors.traffic_model
        timeline.rowsInserted.connect(self._on_rows)
        window.controls.link.attached.connect(self._on_attached)
        window.controls.link.session_event.connect(self._on_event)

    def start(self) -> None:
        """Forget what was recorded and record from now on."""
        self.log = ChallengeLog(self.window.lab.cookie_name)
        self.recording = True

    def stop(self) -> None:
        """Stop recording."""
        self.recording = False

    @Slot(QModelIndex, int, int)
    def _on_rows(self, parent: QModelIndex, first: int, last: int) -> None:
        if not self.recording:
            return
        timeline = self.window.inspectors.traffic_model
        for row in range(first, last + 1):
            entry = timeline.entry(row)
            self.log.add(Hop(entry.browser, entry.exchange, tuple(entry.events)))
        self.changed.emit()

    @Slot(object)
    def _on_attached(self, lab) -> None:
        if self.recording:
            self.log.add(Restart(lab.state.store_name))
            self.changed.emit()

    @Slot(object)
    def _on_event(self, event: SessionEvent) -> None:
        if self.recording and event.kind == "expired":
            self.log.add(StoreChange(event))
            self.changed.emit()
