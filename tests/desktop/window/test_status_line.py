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
        colours[level], texts[level] = text_colour(status.message), status.message.full_text()
    assert len({c.name() for c in colours.values()}) == 3
    assert colours["info"] == window.palette().color(QPalette.ColorRole.WindowText)
    assert texts["info"] == "Saved the timeline to lab.har."  # no alarm sign on information
    assert texts["error"].startswith("✖") and texts["warning"].startswith("⚠")
    assert status.message.accessibleDescription().startswith("error: ")
    status.show_message("")
    assert status.level == "info" and status.message.full_text() == ""


def test_a_saved_timeline_is_information_not_an_error(window, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "desktop.window.har_dialog.ask_har_export", lambda parent: (tmp_path / "t.har", True)
    )
    window.menus._ask_export_har()
    assert (
        window.status.level == "info" and "Saved the timeline" in window.status.message.full_text()
    )
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


def test_a_long_message_keeps_to_one_line_and_moves_nothing(qtbot, window):
    # Wrapped, it made the status bar taller: the whole window moved up and was redrawn.
    status, bar = window.status, window.statusBar()
    page = window.browser.page_view
    qtbot.waitUntil(lambda: bar.height() > 0)
    height, page_at = bar.height(), page.mapTo(window, page.rect().bottomLeft())
    long = "Lab reset. The class's 12 sessions stayed: students are still logged in " * 4
    status.show_message(long.strip(), "warning")
    qtbot.wait(50)
    assert bar.height() == height and page.mapTo(window, page.rect().bottomLeft()) == page_at
    assert status.message.text().endswith("…") and status.message.full_text() == "⚠ " + long.strip()
    assert status.message.accessibleDescription() == "warning: " + long.strip()
    assert long.strip() in status.message.toolTip()


def test_an_error_is_said_whole_however_long(qtbot, window):
    status, bar = window.status, window.statusBar()
    qtbot.waitUntil(lambda: bar.height() > 0)
    height = bar.height()
    why = "Could not share on 127.0.0.1: it is this computer's own loopback address " * 3
    status.show_message(why.strip(), "error")
    qtbot.waitUntil(lambda: bar.height() > height)  # room for all of it
    assert status.message.text() == "✖ " + why.strip()
    status.show_message("Saved.")  # the next message is one line again
    qtbot.waitUntil(lambda: bar.height() == height)
