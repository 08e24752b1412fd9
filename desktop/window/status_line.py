"""The status bar: the server's URL, the store in use, live sessions, busy, messages in words.

Messages have a severity: information in the palette's text colour, warnings and errors in
their own colours and with a sign, so they differ without colour too. A message keeps to one
line, cut with "…" and whole in its tooltip: wrapped, a long one made the status bar taller
and moved everything above it, the page, the inspectors and the diagram, all of it redrawn.
Errors, rare and to be acted on, are shown whole.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from desktop.ui.colours import SEVERITY_SIGNS, set_severity
from desktop.ui.one_line_label import OneLineLabel
from desktop.ui.plain_text import plain_tooltip
from desktop.ui.widget_names import name_widget

#: The working indicator shows only for a request still running after this long. Most answer
#: sooner: shown for each, it flickered, moved the status bar's labels, and its animation
#: redrew the window sixty times a second while a class kept the lab busy.
BUSY_AFTER_MS = 300


class StatusLine:
    """Fills a window's status bar and keeps its labels up to date."""

    def __init__(self, bar: QStatusBar) -> None:
        self.message = name_widget(OneLineLabel(), "status_message", "Status message")
        self.level = "info"
        self.busy = name_widget(QProgressBar(), "busy_indicator", "Busy")
        self.busy.setRange(0, 0)  # an endless "working" bar
        self.busy.setMaximumWidth(120)
        policy = self.busy.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # coming and going, it moves nothing else
        self.busy.setSizePolicy(policy)
        self.busy.hide()
        self._show_busy = QTimer(bar, singleShot=True, interval=BUSY_AFTER_MS)
        self._show_busy.timeout.connect(self.busy.show)
        self.url = name_widget(QLabel(), "status_url", "Server URL")
        self.url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.store = name_widget(QLabel(), "status_store", "Session store in use")
        self.sessions = name_widget(QLabel(), "status_sessions", "Live sessions")
        # Messages and the watched store quote typed paths and URLs: shown as typed, not as HTML.
        for label in (self.url, self.store, self.sessions):
            label.setTextFormat(Qt.TextFormat.PlainText)
        bar.addWidget(self.message, 1)
        for widget in (self.busy, self.url, self.store, self.sessions):
            bar.addPermanentWidget(widget)

    def show_lab(self, lab) -> None:
        """Show the server's URL and store."""
        self.url.setText(lab.address_label)
        state = lab.state
        self.store.setText(f"Store: {state.store_name}")
        self.store.setToolTip(state.store.description if state.store else "signed cookie")

    def show_message(self, text: str, level: str = "info") -> None:
        """Show a sentence of ``level`` (info, warning or error); empty text clears it."""
        self.level = level if text else "info"
        # An error is said whole: the teacher must read why to act on it.
        shown = SEVERITY_SIGNS[self.level] + text if text else ""
        self.message.set_full_text(shown, whole=self.level == "error")
        self.message.setAccessibleDescription(f"{self.level}: {text}" if text else "")
        set_severity(self.message, self.level)

    def show_sessions(self, text: str) -> None:
        """Show the live-session count."""
        self.sessions.setText(text)

    def show_watching(self, description: str | None) -> None:
        """Say that another server's store is watched (None: the lab's own store again).

        The lab's store label is hidden meanwhile: "Store: sqlite" beside the watched sessions
        would read as if they were the lab's. The sessions label says what it counts.
        """
        self.store.setVisible(description is None)
        self.sessions.setToolTip(
            "" if description is None else plain_tooltip(f"Watching {description}, read-only")
        )

    def set_busy(self, busy: bool) -> None:
        """Show the working indicator once a request has run a moment; hide it when none runs."""
        if not busy:
            self._show_busy.stop()
            self.busy.hide()
        elif not self.busy.isVisible() and not self._show_busy.isActive():
            self._show_busy.start()
