"""Lab actions through the window: export the timeline as HAR, reset the lab, presenter mode."""

from __future__ import annotations

import json

from helpers import page_text, submit_login
from PySide6.QtWidgets import QApplication


def log_in(qtbot, window, userid="alice"):
    qtbot.waitUntil(window.browser.login_button.isEnabled)  # a new browser loads its form first
    submit_login(window, userid, "pw")
    qtbot.waitUntil(lambda: f"Welcome USER: {userid} !" in page_text(window))


def test_export_the_timeline_as_har(qtbot, window, tmp_path):
    log_in(qtbot, window)
    path = window.menus.actions.export_har(tmp_path / "lab.har")
    log = json.loads(path.read_text())["log"]
    assert log["version"] == "1.2"
    methods = [(e["request"]["method"], e["response"]["status"]) for e in log["entries"]]
    assert methods == [("GET", 200), ("POST", 302), ("GET", 200)]
    post = log["entries"][1]
    assert post["response"]["redirectURL"] == "/app_sessions/secured_page/"
    assert post["comment"].startswith("Login rotated the session id")


def test_reset_the_lab_to_a_clean_state(qtbot, window):
    log_in(qtbot, window)
    window.add_browser()
    log_in(qtbot, window, "bob")
    window.controls.set_switch("no_csrf", True)
    assert window.controls.switch_banner.text()
    window.menus.actions.reset_lab()
    qtbot.waitUntil(lambda: "Type Anything" in page_text(window))
    qtbot.waitUntil(lambda: not window.current_browser.busy)
    assert len(window.browsers) == 1
    assert window.controls.switch_banner.text() == "" and window.lab.switches == set()
    # The fresh start page opened one anonymous session; alice's and bob's are gone.
    assert [r.data.get("userid") for r in window.lab.sessions()] == [None]
    assert [e.exchange.path for e in window.inspectors.traffic_model.entries()] == [
        "/app_sessions/login/"
    ]


def test_presenter_mode_sizes_every_font(qtbot, window):
    base = QApplication.font().pointSize()
    window.zoom.larger.trigger()
    qtbot.waitUntil(lambda: window.browser.page_view.font().pointSize() == base + 2)
    assert window.inspectors.traffic_table.font().pointSize() == base + 2
    assert window.settings.font_size == base + 2
    window.zoom.reset.trigger()
    assert QApplication.font().pointSize() == base
