"""Geometry, the chosen store and the presenter font size persist between launches."""

from __future__ import annotations

from helpers import page_text, submit_login
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop.lab.embedded_lab import Lab
from desktop.window.main_window import MainWindow
from desktop.window.settings import LabSettings


def reopen(path) -> LabSettings:
    return LabSettings(QSettings(str(path), QSettings.Format.IniFormat))


def test_defaults(tmp_path):
    settings = reopen(tmp_path / "s.ini")
    assert (settings.store, settings.font_size, settings.geometry) == ("sqlite", 0, None)


def test_garbage_values_fall_back_to_defaults(tmp_path):
    raw = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    raw.setValue("server/store", "floppy-disk")
    raw.setValue("view/font_size", "huge")
    raw.setValue("window/geometry", "not bytes")
    raw.sync()
    settings = reopen(tmp_path / "s.ini")
    assert (settings.store, settings.font_size, settings.geometry) == ("sqlite", 0, None)


def test_font_size_and_geometry_survive_a_relaunch(qtbot, lab, tmp_path):
    path = tmp_path / "s.ini"
    base = QApplication.font().pointSize()
    window = MainWindow(lab, reopen(path))
    qtbot.addWidget(window)
    window.show()
    window.resize(760, 640)
    size = (window.width(), window.height())
    window.zoom.larger.trigger()
    window.zoom.larger.trigger()
    assert QApplication.font().pointSize() == base + 4
    window.close()

    settings = reopen(path)
    assert settings.font_size == base + 4
    assert settings.geometry is not None
    second_lab = Lab(data_dir=tmp_path / "data2")
    second_lab.start()
    again = MainWindow(second_lab, settings)
    qtbot.addWidget(again)
    assert QApplication.font().pointSize() == base + 4
    assert (again.width(), again.height()) == size
    again.zoom.reset.trigger()
    assert QApplication.font().pointSize() == base
    again.close()
    assert reopen(path).font_size == 0


def test_switching_the_store_restarts_the_lab_and_is_remembered(qtbot, window, tmp_path):
    old_lab = window.lab
    window.controls.switch_store("memory")
    qtbot.waitUntil(lambda: "Type Anything" in page_text(window))
    assert window.lab is not old_lab and not old_lab.server.running
    assert window.lab.state.store_name == "memory"
    assert window.status.store.text() == "Store: memory"
    assert window.settings.store == "memory"
    checked = [name for name, a in window.menus.store_actions.items() if a.isChecked()]
    assert checked == ["memory"]

    window.controls.switch_store("cookie")
    qtbot.waitUntil(lambda: "Type Anything" in page_text(window))
    assert window.status.sessions.text() == "Sessions: in the browser's cookie"
    # The form on screen came from the server before the switch: a browser sends it as it is.
    qtbot.waitUntil(window.browser.login_button.isEnabled)
    submit_login(window, "alice", "pw")
    qtbot.waitUntil(lambda: window.browser.form_error.isVisible())
    refused = window.inspectors.traffic_model.entries()[-1]
    assert (refused.exchange.method, refused.exchange.status) == ("POST", 400)
    assert "CSRF token did not match" in refused.sentence
    qtbot.waitUntil(lambda: window.browser.login_button.isEnabled())
    submit_login(window, "alice", "pw")  # no form on screen now: GET one, then POST
    qtbot.waitUntil(lambda: "Welcome USER: alice !" in page_text(window))
    assert window.inspectors.session_model.rowCount() == 0
