"""A label that keeps to one line: text too long for its width ends in "…", all of it in the
tooltip and the accessible description.

For a summary that changes a few times a second beside a table (the class's requests above
the timeline): wrapped, it took three lines at presenter zoom and pushed the window past the
bottom of a 768-pixel projector.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from desktop.ui.plain_text import plain_tooltip

# What a plain-text label would start a new line at: a student's path "/%0A%0A…", quoted in a
# message, made the label a line taller per break.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class OneLineLabel(QLabel):
    """Shows :meth:`full_text` on one line, elided to the label's width, or whole when asked.

    Whole (an error the reader must act on) it wraps, and may make its row taller for as long
    as it is shown: rare, and worth it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._whole = False
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Any width: the layout gives it the room there is, and the text is cut to that.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def full_text(self) -> str:
        """The whole text, as set."""
        return self._full

    def set_full_text(self, text: str, whole: bool = False) -> None:
        """Show ``text`` on one line (``whole``: all of it, wrapped); the tooltip and screen
        readers have all of it."""
        if text == self._full and whole == self._whole:
            return
        self._full, self._whole = text, whole
        self.setToolTip(plain_tooltip(text))
        self.setAccessibleDescription(text)
        self.setWordWrap(whole)
        vertical = QSizePolicy.Policy.Preferred if whole else QSizePolicy.Policy.Fixed
        self.setSizePolicy(QSizePolicy.Policy.Ignored, vertical)
        self._elide()

    def resizeEvent(self, event) -> None:
        """Cut the text again to the new width."""
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:
        """Presenter zoom: cut the text again in the new font."""
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        one_line = _LINE_BREAKS.sub(" ", self._full)
        if self._whole:
            self.setText(one_line)
            return
        self.setText(self.fontMetrics().elidedText(one_line, Qt.TextElideMode.ElideRight, width))
