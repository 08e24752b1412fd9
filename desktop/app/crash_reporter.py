"""Unexpected errors: logged, shown in a dialog with the log's path, and the app keeps running."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:  # the dialog's class is loaded on the first error, not at start-up
    from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


class CrashReporter(QObject):
    """Installs ``sys.excepthook`` and ``threading.excepthook``; shows errors on the GUI thread."""

    error_reported = Signal(str)

    def __init__(self, log_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.dialog: QMessageBox | None = None
        self._parent = parent
        self._previous = (sys.excepthook, threading.excepthook)
        # Emitted from any thread; Qt queues the dialog onto the GUI thread.
        self.error_reported.connect(self._show)

    def install(self) -> None:
        """Route uncaught exceptions here."""
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        """Restore the previous hooks."""
        sys.excepthook, threading.excepthook = self._previous

    def _excepthook(self, kind, value, traceback) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous[0](kind, value, traceback)
            return
        log.error("unexpected error", exc_info=(kind, value, traceback))
        self.error_reported.emit(f"{kind.__name__}: {value}")

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        self._excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str)
    def _show(self, summary: str) -> None:
        text = (
            "Session Lab ran into an unexpected error and carried on.\n\n"
            f"{summary}\n\nThe details are in the log:\n{self.log_path}"
        )
        if self.dialog is None:
            from PySide6.QtWidgets import QMessageBox

            self.dialog = QMessageBox(
                QMessageBox.Icon.Warning,
                "Session Lab",
                text,
                QMessageBox.StandardButton.Ok,
                self._parent,
            )
            self.dialog.setObjectName("error_dialog")
            self.dialog.setAccessibleName("Unexpected error")
        self.dialog.setText(text)
        self.dialog.open()  # not modal to the event loop: the window keeps running
