"""The save dialog of File → Export timeline as HAR: in the Documents folder, secrets hidden."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog, QWidget

from desktop.ui.widget_names import name_widget

FILE_NAME = "session-lab.har"


def documents_folder() -> Path:
    """The user's documents folder (the home folder where there is none), never the cwd."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location and Path(location).is_dir() else Path.home()


class HarExportDialog(QFileDialog):
    """A save dialog with a "Hide secrets" option, on by default.

    Qt's own dialog rather than the system's: only it can carry the extra option, and a
    file shared with a class must not carry passwords or live session ids unless asked.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Export timeline as HAR", str(documents_folder() / FILE_NAME))
        self.setObjectName("har_export_dialog")
        self.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.setNameFilter("HAR files (*.har)")
        self.setDefaultSuffix("har")
        self.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        self.hide_secrets = name_widget(
            QCheckBox("&Hide secrets (passwords, cookie values, session ids)"),
            "hide_secrets_check",
            "Hide secrets",
        )
        self.hide_secrets.setAccessibleDescription(
            "Replaces passwords, cookie values, CSRF tokens and session ids in the file."
        )
        self.hide_secrets.setChecked(True)
        self.layout().addWidget(self.hide_secrets, self.layout().rowCount(), 0, 1, -1)

    def choice(self) -> tuple[Path, bool] | None:
        """Return the chosen path and whether to hide secrets, or None if cancelled."""
        if self.result() != QDialog.DialogCode.Accepted or not self.selectedFiles():
            return None
        return Path(self.selectedFiles()[0]), self.hide_secrets.isChecked()


def ask_har_export(parent: QWidget) -> tuple[Path, bool] | None:
    """Ask where to save the HAR file and whether to hide secrets; None if cancelled."""
    dialog = HarExportDialog(parent)
    dialog.exec()
    return dialog.choice()
