"""Status messages look like what they are: information, a warning or an error."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from desktop.window.status_line import BUSY_AFTER_MS


def text_colour(label):
    return label.palette().color(QPalette.ColorRole.WindowText)


def test_information_warnings_and_errors_look_different(window):
    status = window.status
    colours, texts = {}, {}
    for level in ("info", "warning", "error"):
        status.show_message("Saved the timeline to lab.har.", level)
        colours[level], texts[level] = text_colour(status.message), status.message.text()
    assert len({c.name() for c in colours.values()}) == 3
    assert colours["info"] == window.palette().color(QPalette.ColorRole.WindowText)
    assert texts["info"] == "Saved the timeline to lab.har."  # no alarm sign on information
    assert texts["error"].startswith("✖") and texts["warning"].startswith("⚠")
    assert status.message.accessibleDescription().startswith("error: ")
    status.show_message("")
    assert status.level == "info" and status.message.text() == ""


def test_a_saved_timeline_is_information_not_an_error(window, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "desktop.window.har_dialog.ask_har_export", lambda parent: (tmp_path / "t.har", True)
    )
    window.menus._ask_export_har()
    assert window.status.level == "info" and "Saved the timeline" in window.status.message.text()
    monkeypatch.setattr(
        "desktop.window.har_dialog.ask_har_export",
        lambda parent: (tmp_path / "missing" / "t.har", True),
    )
    window.menus._ask_export_har()
    assert window.status.level == "error"


def test_the_working_indicator_shows_only_for_a_request_that_takes_a_while(qtbot, window):
    status = window.status
    url_at = status.url.geometry()
    status.set_busy(True)
    status.set_busy(False)  # a quick answer: nothing shows, nothing moves
    qtbot.wait(BUSY_AFTER_MS + 100)
    assert not status.busy.isVisible()
    status.set_busy(True)
    assert not status.busy.isVisible()  # not yet
    qtbot.waitUntil(status.busy.isVisible)
    assert status.url.geometry() == url_at  # its room was kept for it: the labels stay put
    status.set_busy(False)
    assert not status.busy.isVisible()
