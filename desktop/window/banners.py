"""Bars across the top of the window: notices worked around at start-up, and server failures."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from desktop.ui.widget_names import name_widget


class BannerStyle(NamedTuple):
    """A bar's colours (a fixed pair, readable in every theme) and weight."""

    background: str
    text: str
    bold: bool = False


NOTICE_STYLE = BannerStyle("#fff4c2", "#4a3b00")
FAILURE_STYLE = BannerStyle("#b00020", "#ffffff", bold=True)


class Banner(QWidget):
    """A coloured line of text with an optional action button; hidden while it has no text."""

    action_clicked = Signal()

    def __init__(
        self, object_name: str, accessible: str, style: BannerStyle, action: str | None = None
    ) -> None:
        super().__init__()
        name_widget(self, object_name, accessible)
        self.label = name_widget(QLabel(), f"{object_name}_text", accessible)
        self.label.setWordWrap(True)
        # Bars quote what was typed (a watched path, a share address): shown as typed, never as
        # HTML. A bar that wants weight gets it from the label's font below, not from tags.
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # A palette and a partial font, not a style sheet: a style sheet's font stays at the
        # size it had, so presenter zoom would leave the bar small and cut off.
        palette = self.palette()
        for role, colour in (
            (QPalette.ColorRole.Window, style.background),
            (QPalette.ColorRole.WindowText, style.text),
            (QPalette.ColorRole.Button, style.background),
            (QPalette.ColorRole.ButtonText, style.text),
        ):
            palette.setColor(role, QColor(colour))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        if style.bold:
            bold = QFont()
            bold.setBold(True)  # only the weight: the size still follows the application's
            self.label.setFont(bold)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if action:
            self.button = name_widget(QPushButton(action), f"{object_name}_button", action)
            self.button.clicked.connect(self.action_clicked)
            layout.addWidget(self.button)
        dismiss = name_widget(QPushButton("✕"), f"{object_name}_dismiss", "Dismiss")
        dismiss.setFlat(True)
        dismiss.clicked.connect(self.clear)
        layout.addWidget(dismiss)
        self.hide()

    def show_text(self, text: str) -> None:
        """Show ``text``."""
        self.label.setText(text)
        self.setVisible(bool(text))

    def text(self) -> str:
        """Return what the banner says."""
        return self.label.text() if self.isVisible() else ""

    def clear(self) -> None:
        """Hide the banner."""
        self.show_text("")
