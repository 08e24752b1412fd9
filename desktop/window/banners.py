"""Bars across the top of the window: notices worked around at start-up, and server failures."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.ui.widget_names import name_widget

NOTICE_STYLE = "background:#fff4c2; color:#4a3b00; padding:6px;"
FAILURE_STYLE = "background:#b00020; color:white; padding:6px; font-weight:bold;"


class Banner(QWidget):
    """A coloured line of text with an optional action button; hidden while it has no text."""

    action_clicked = Signal()

    def __init__(
        self, object_name: str, accessible: str, style: str, action: str | None = None
    ) -> None:
        super().__init__()
        name_widget(self, object_name, accessible)
        self.label = name_widget(QLabel(), f"{object_name}_text", accessible)
        self.label.setWordWrap(True)
        self.setStyleSheet(style)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
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
