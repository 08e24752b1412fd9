"""The window's running lab: a store switch while a request runs is narrated honestly."""

from __future__ import annotations

from helpers import ArrivalsWatch, page_text


def test_a_store_switch_during_a_request_is_not_called_a_dead_server(qtbot, window):
    window.lab.app.config["RESPONSE_DELAY"] = 0.5
    watch = ArrivalsWatch()
    window.lab.app.extensions["session_lab_latency"] = watch
    rows = window.inspectors.traffic_model.rowCount()
    window.browser.secured_button.click()
    qtbot.waitUntil(watch.arrived.is_set)
    window.controls.switch_store("memory")
    qtbot.waitUntil(lambda: not window.current_browser.busy, timeout=10_000)

    said = " ".join(
        [page_text(window), window.status.message.full_text(), window.controls.server_banner.text()]
        + [e.sentence for e in window.inspectors.traffic_model.entries()[rows:]]
    )
    assert "not running" not in said
    assert "had no session" not in said
    assert "restarted with the memory store" in said
