"""Help → Keyboard shortcuts (F1): every key the app answers to, for a teacher with a clicker."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop.ui.widget_names import name_widget

#: (keys, what they do), in the order a lesson uses them.
SHORTCUTS = (
    ("Page Down, Right, Space, Enter", "Next step of the walkthrough (a clicker's forward key)"),
    ("Page Up, Left", "Back: show the previous step's explanation again"),
    ("Ctrl+L", "Go to the address bar"),
    ("Ctrl+T", "Open another browser"),
    ("Ctrl+S", "Export the timeline as HAR"),
    ("Ctrl+plus, Ctrl+minus, Ctrl+0", "Larger text, smaller text, normal size"),
    ("F11, Esc", "In the class view (View menu): full screen on the projector, and back"),
    ("F1", "This list"),
    ("Alt+letter", "Open a menu by its underlined letter"),
    ("Tab, Shift+Tab", "Move between fields, buttons and tables"),
    ("Ctrl+Q", "Quit"),
)

NOTE = (
    "The walkthrough keys work while the focus is on the walkthrough panel, where the app "
    "keeps it after each step; Tab from the browser's Submit button reaches it."
)


def shortcuts_html() -> str:
    """Return the shortcuts as an HTML table."""
    rows = "".join(
        f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
        for keys, what in SHORTCUTS
    )
    return f"<table cellpadding='4'>{rows}</table><p>{escape(NOTE)}</p>"


class ShortcutsDialog(QDialog):
    """A small window listing :data:`SHORTCUTS`; Escape or Close closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "shortcuts_dialog", "Keyboard shortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        self.text = name_widget(QTextBrowser(), "shortcuts_text", "Keyboard shortcuts list")
        self.text.setHtml(shortcuts_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(
            self.fontMetrics().horizontalAdvance("x") * 90, self.fontMetrics().height() * 24
        )
