"""The browser pane: no queued clicks while a request runs; a compact form on small screens."""

from __future__ import annotations

from helpers import LOGIN, page_text


def test_buttons_are_off_while_a_request_runs_so_clicks_do_not_queue(qtbot, window):
    window.lab.app.config["RESPONSE_DELAY"] = 0.3
    pane = window.browser
    pane.userid_edit.setText("alice")
    pane.passwd_edit.setText("pw")
    for _ in range(10):
        pane.login_button.click()
        pane.passwd_edit.returnPressed.emit()
    assert window.current_browser.busy
    assert not pane.login_button.isEnabled() and not pane.secured_button.isEnabled()
    qtbot.waitUntil(lambda: "Welcome USER: alice" in page_text(window), timeout=10_000)
    qtbot.waitUntil(pane.login_button.isEnabled)
    posts = [e for e in window.inspectors.traffic_model.entries() if e.exchange.method == "POST"]
    assert len(posts) == 1


def test_the_form_hint_leaves_room_when_compact(window):
    window.browser.set_compact(True)
    assert window.browser.form_hint.isHidden()
    window.browser.set_compact(False)
    assert not window.browser.form_hint.isHidden()
    assert window.browser.address_edit.text().endswith(LOGIN)


def test_jar_edits_leave_the_buttons_on(qtbot, window):
    seen = []
    window.current_browser.controller.requesting_changed.connect(seen.append)
    window.current_browser.controller.clear_cookies()
    assert window.browser.login_button.isEnabled()
    qtbot.waitUntil(lambda: not window.current_browser.busy)
    assert seen == []
