"""File → Export timeline as HAR: the dialog opens in Documents, with secrets hidden by default."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from desktop.window.har_dialog import HarExportDialog, documents_folder


def test_the_dialog_opens_in_documents_with_hide_secrets_on(qtbot):
    dialog = HarExportDialog()
    qtbot.addWidget(dialog)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    expected = Path(documents) if Path(documents).is_dir() else Path.home()
    assert documents_folder() == expected != Path.cwd()
    assert Path(dialog.directory().absolutePath()) == expected
    assert dialog.selectedFiles() == [str(expected / "session-lab.har")]
    assert dialog.hide_secrets.isChecked()
    assert dialog.hide_secrets.accessibleName() == "Hide secrets"
    assert dialog.choice() is None  # not accepted


def test_the_menu_exports_with_the_secrets_hidden(qtbot, window, tmp_path, monkeypatch):
    from helpers import submit_login

    submit_login(window)
    qtbot.waitUntil(lambda: window.inspectors.traffic_model.rowCount() >= 3)
    path = tmp_path / "class.har"
    monkeypatch.setattr("desktop.window.har_dialog.ask_har_export", lambda parent: (path, True))
    window.menus._ask_export_har()
    text = path.read_text(encoding="utf-8")
    assert "passwd=secret" not in text and window.current_browser.jar[0].value not in text
    assert "hidden" in window.status.message.full_text()
