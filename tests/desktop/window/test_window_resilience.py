"""The window survives a failing server, slow requests and its own bugs, and quits promptly."""

from __future__ import annotations

import threading
import time

import pytest
from helpers import page_text, submit_login

from desktop.lab.embedded_lab import Lab
from desktop.window.main_window import MainWindow

WELCOME = "Welcome USER: alice !"


def open_window(qtbot, lab, settings) -> MainWindow:
    window = MainWindow(lab, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Type Anything" in page_text(window))
    return window


def test_a_crash_in_the_server_thread_is_shown_and_can_be_restarted(
    qtbot, window, lab, monkeypatch
):
    server = lab.server._server

    def explode():
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(server, "readable", explode)  # asked by the server's loop every turn
    qtbot.waitUntil(lambda: "disk on fire" in window.controls.server_banner.text())
    assert not lab.server.running
    monkeypatch.undo()

    window.controls.server_banner.button.click()
    qtbot.waitUntil(lambda: window.controls.server_banner.text() == "")
    submit_login(window, "alice", "pw")
    qtbot.waitUntil(lambda: WELCOME in page_text(window))


def test_a_vanished_listening_socket_is_detected(qtbot, window, lab):
    lab.server.listening_socket.close()
    qtbot.waitUntil(lambda: "The session server stopped" in window.controls.server_banner.text())
    window.controls.server_banner.button.click()
    qtbot.waitUntil(lambda: window.lab.server.running)
    window.browser.secured_button.click()
    qtbot.waitUntil(lambda: "You are not logged in" in page_text(window))


def test_a_request_to_a_stopped_server_offers_a_restart(qtbot, window, lab):
    lab.stop()
    window.browser.secured_button.click()
    qtbot.waitUntil(lambda: "not running" in window.controls.server_banner.text())
    window.controls.server_banner.button.click()
    window.browser.secured_button.click()
    qtbot.waitUntil(lambda: "You are not logged in" in page_text(window))


def slow_window(qtbot, tmp_path, settings, delay: float) -> tuple[Lab, MainWindow]:
    """A window over a lab whose every response waits ``delay`` seconds, its first one pending."""
    lab = Lab(data_dir=tmp_path, extra_config={"RESPONSE_DELAY": delay})
    lab.start()
    window = MainWindow(lab, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.status.busy.isVisible())
    return lab, window


def test_quitting_during_a_slow_request_is_prompt_and_leaves_nothing(qtbot, tmp_path, settings):
    lab, window = slow_window(qtbot, tmp_path, settings, delay=30)  # start page 30 s away
    pool = window.controller._pool
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 2.0
    assert pool.activeThreadCount() == 0
    assert not lab.server.running
    qtbot.waitUntil(
        lambda: not [t for t in threading.enumerate() if t.name.startswith("session-server")]
    )


def test_the_server_stays_responsive_for_the_gui_while_slow(qtbot, tmp_path, settings):
    _, window = slow_window(qtbot, tmp_path, settings, delay=0.5)
    # The GUI thread is free: a widget can be typed into while the request is in flight.
    window.browser.userid_edit.setText("typing while busy")
    assert window.browser.userid_edit.text() == "typing while busy"
    qtbot.waitUntil(lambda: "Type Anything" in page_text(window), timeout=5000)
    assert not window.status.busy.isVisible()
    window.close()


def test_start_up_notices_are_shown_in_the_window(qtbot, tmp_path, settings):
    (tmp_path / "sessions.sqlite3").write_bytes(b"garbage" * 1000)
    lab = Lab(data_dir=tmp_path)
    lab.start()
    window = open_window(qtbot, lab, settings)
    assert "damaged" in window.controls.notice_banner.text()
    window.close()


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_is_shown_with_the_log_path_and_the_app_goes_on(
    qtbot, window, tmp_path
):
    from desktop.app.crash_reporter import CrashReporter

    reporter = CrashReporter(tmp_path / "session-lab.log", window)
    reporter.install()
    try:
        window.browser.secured_page_requested.connect(lambda: 1 / 0)
        window.browser.secured_button.click()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        assert "ZeroDivisionError" in reporter.dialog.text()
        assert str(tmp_path / "session-lab.log") in reporter.dialog.text()
        reporter.dialog.accept()
        # The connected bug fires again, but the real slot ran too: the window still works.
        qtbot.waitUntil(lambda: "You are not logged in" in page_text(window))
    finally:
        reporter.uninstall()


def test_errors_in_other_threads_are_reported_too(qtbot, window, tmp_path):
    from desktop.app.crash_reporter import CrashReporter

    reporter = CrashReporter(tmp_path / "x.log", window)
    reporter.install()
    try:
        worker = threading.Thread(target=lambda: {}["missing"])
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        assert "KeyError" in reporter.dialog.text()
        reporter.dialog.accept()
    finally:
        reporter.uninstall()


def test_a_lab_that_cannot_start_falls_back_to_a_working_one(qtbot, window):
    def broken(old: Lab) -> Lab:
        raise OSError("the disk is full")

    assert window.controls.replace_lab(broken) is False
    assert "could not start as asked (the disk is full)" in window.controls.server_banner.text()
    assert window.lab.server.running
    window.browser.secured_button.click()
    qtbot.waitUntil(lambda: "You are not logged in" in page_text(window))
