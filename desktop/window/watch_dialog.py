"""File → Watch a server…: asks which store to watch and says, in the dialog, why one cannot be."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widget_names import name_widget

EXPLANATION = (
    "Show another server's sessions in the Session store inspector, live and read-only: "
    "nothing in its store is ever changed. Give the Redis URL its servers use, or the data "
    "directory (or the sessions.sqlite3 file) of a server started with "
    "<code>python -m server</code> or gunicorn."
)


class WatchDialog(QDialog):
    """Asks for a Redis URL or a path; stays open, showing the error, until a watch opens."""

    #: The user asked to watch this (a URL or a path, as typed).
    target_chosen = Signal(str)

    def __init__(self, last_target: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name_widget(self, "watch_dialog", "Watch a server")
        self.setWindowTitle("Watch a server")
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        # A wrapped label's height follows its width: give it one wide enough for short lines.
        explanation.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        explanation.setMinimumHeight(explanation.heightForWidth(explanation.minimumWidth()))
        self.target_edit = name_widget(QLineEdit(last_target), "watch_target_edit", "Server")
        self.target_edit.setPlaceholderText("redis://localhost:6379/0  or  /srv/session-lab")
        self.target_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        folder = name_widget(QPushButton("&Folder…"), "watch_folder_button", "Choose a folder")
        folder.clicked.connect(self._choose_folder)
        file = name_widget(QPushButton("F&ile…"), "watch_file_button", "Choose a database file")
        file.clicked.connect(self._choose_file)
        row = QHBoxLayout()
        row.addWidget(self.target_edit, 1)
        row.addWidget(folder)
        row.addWidget(file)
        self.error_label = name_widget(QLabel(), "watch_error", "Why it cannot be watched")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what was typed
        self._plain = self.error_label.palette()
        self._red = QPalette(self._plain)
        self._red.setColor(QPalette.ColorRole.WindowText, QColor("#b00020"))
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.watch_button = self.buttons.addButton("&Watch", QDialogButtonBox.ButtonRole.AcceptRole)
        name_widget(self.watch_button, "watch_button", "Watch")
        self.watch_button.setDefault(True)
        self.buttons.accepted.connect(self._ask)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # The dialog is as tall as its wrapped explanation and error need, at any font size.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(explanation)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    @Slot()
    def _ask(self) -> None:
        self.error_label.setPalette(self._plain)
        self.error_label.setText("Opening…")
        self.error_label.show()
        self.watch_button.setEnabled(False)
        self.target_chosen.emit(self.target_edit.text())

    def show_error(self, message: str) -> None:
        """Say why the target cannot be watched; the user may correct it and try again."""
        self.error_label.setPalette(self._red)
        self.error_label.setText(message)
        self.error_label.show()
        self.watch_button.setEnabled(True)
        self.target_edit.setFocus()
        self.target_edit.selectAll()

    @Slot()
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "The server's data directory")
        if folder:
            self.target_edit.setText(folder)

    @Slot()
    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "The server's session database", "", "SQLite files (*.sqlite3 *.db);;All (*)"
        )
        if path:
            self.target_edit.setText(path)
