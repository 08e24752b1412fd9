"""Server → HTTPS in the window: the switch, the lab's browsers trusting the lab's CA, Secure
held back over http with its reason, HSTS upgrades, the certificate warning, clear failures."""

from __future__ import annotations

import socket

from helpers import SECURED, page_text
from PySide6.QtWidgets import QMessageBox

from desktop.classroom.https_actions import CERTIFICATE_WARNING
from desktop.lab import sharing_and_https
from server.runner import ServerStartError


def menu_action(window, name):
    return window.findChild(type(window.menus.https_menus.https_action), name)


def turn_https_on(qtbot, window):
    menu_action(window, "https_action").trigger()
    assert window.lab.https_url is not None
    client = window.current_browser.controller.client
    qtbot.waitUntil(lambda: client.https_url == window.lab.https_url)
    return window.lab.https_url


def rows_after(window, start):
    return window.inspectors.traffic_model.entries()[start:]


def settle(qtbot, window):
    qtbot.waitUntil(lambda: not window.current_browser.busy, timeout=10_000)


def test_the_switch_serves_https_and_the_lab_s_browser_trusts_it(qtbot, window):
    url = turn_https_on(qtbot, window)
    assert "serves over https too" in window.status.message.full_text()
    assert window.status.url.text() == f"Server: {window.lab.url} and {url}"
    assert window.current_browser.controller.client.ca_file == window.lab.ca_file
    window.menus.https_menus.sync()
    assert window.menus.https_menus.https_action.isChecked()
    start = window.inspectors.traffic_model.rowCount()
    menu_action(window, "open_https_action").trigger()
    settle(qtbot, window)
    assert window.browser.address_edit.text().startswith(url)
    assert len(rows_after(window, start)) == 1
    index = window.inspectors.traffic_model.index(start, 0)
    shown = [
        window.inspectors.traffic_model.data(index.siblingAtColumn(c))
        for c in range(window.inspectors.traffic_model.columnCount())
    ]
    assert any(str(cell).startswith(url) for cell in shown)
    # A browser opened afterwards knows the https address too.
    second = window.add_browser()
    qtbot.waitUntil(lambda: second.controller.client.https_url == url)
    menu_action(window, "https_action").trigger()
    assert window.lab.https_url is None
    qtbot.waitUntil(lambda: second.controller.client.https_url is None)


def test_a_secure_cookie_is_held_back_over_http_and_the_detail_says_why(qtbot, window):
    turn_https_on(qtbot, window)
    menu_action(window, "secure_cookie_action").trigger()
    menu_action(window, "open_https_action").trigger()
    settle(qtbot, window)
    window.browser.userid_edit.setText("alice")
    window.browser.passwd_edit.setText("pw")
    window.browser.login_button.click()
    qtbot.waitUntil(lambda: "Welcome USER: alice" in page_text(window), timeout=10_000)
    start = window.inspectors.traffic_model.rowCount()
    window.current_browser.controller.open(window.lab.url + SECURED)
    settle(qtbot, window)
    (entry,) = rows_after(window, start)
    assert "held back sessionid" in entry.sentence
    window.inspectors.highlight_exchanges(range(start, start + 1))
    detail = window.inspectors.traffic_detail
    why = "Secure: only sent over HTTPS, and this request is plain HTTP"
    qtbot.waitUntil(lambda: why in detail.toPlainText())
    assert "You are not logged in" in page_text(window)


def test_hsts_upgrade_shows_in_the_timeline(qtbot, window, tmp_path):
    url = turn_https_on(qtbot, window)
    menu_action(window, "hsts_action").trigger()
    menu_action(window, "open_https_action").trigger()
    settle(qtbot, window)
    start = window.inspectors.traffic_model.rowCount()
    menu_action(window, "open_http_action").trigger()
    settle(qtbot, window)
    internal, real = rows_after(window, start)
    assert internal.exchange.status == 307
    assert internal.sentence.startswith("Upgraded by HSTS: nothing was sent over plain http")
    assert real.exchange.url.startswith(url)
    assert window.browser.address_edit.text().startswith(url)
    # The HAR export keeps it as Chrome's does: a 307 that names HSTS, then the https request.
    import json

    har = json.loads(window.menus.actions.export_har(tmp_path / "t.har").read_text())
    statuses = [(e["request"]["url"][:5], e["response"]["status"]) for e in har["log"]["entries"]]
    assert statuses[-2:] == [("http:", 307), ("https", 200)]
    window.inspectors.timeline_views.show_diagram()  # drawn as a hop like any other
    assert not window.grab().isNull()


def test_own_browser_over_https_explains_the_certificate_warning_first(qtbot, window, monkeypatch):
    opened = []
    monkeypatch.setattr(
        "desktop.classroom.https_actions.QDesktopServices.openUrl",
        lambda url: opened.append(url.toString()) or True,
    )
    turn_https_on(qtbot, window)
    menu_action(window, "system_browser_https_action").trigger()
    box = window.findChild(QMessageBox, "certificate_warning_box")
    assert box.isVisible() and box.text().startswith("Your browser will warn")
    assert "never click through" in box.informativeText()
    assert "never click through" in CERTIFICATE_WARNING
    assert opened == []
    box.button(QMessageBox.StandardButton.Open).click()
    assert opened == [window.lab.https_url + "/app_sessions/login/"]


def test_https_that_cannot_start_is_said_and_the_window_goes_on(qtbot, window, monkeypatch):
    def no_port(self):
        raise ServerStartError("cannot listen on 127.0.0.1:443: Address already in use")

    monkeypatch.setattr(sharing_and_https.LabHttps, "start", no_port)
    menu_action(window, "https_action").trigger()
    assert window.lab.https_url is None
    assert "could not serve over https" in window.status.message.full_text()
    assert "Address already in use" in window.controls.notice_banner.text()
    window.menus.https_menus.sync()
    assert not window.menus.https_menus.https_action.isChecked()
    window.browser.secured_button.click()  # the lab still answers over http
    settle(qtbot, window)
    assert "You are not logged in" in page_text(window)


def test_a_restart_keeps_https_when_its_port_was_taken_meanwhile(qtbot, window):
    turn_https_on(qtbot, window)
    port = window.lab.https.port
    window.lab.stop()  # the port is free for a moment: someone else takes it
    with socket.create_server(("127.0.0.1", port)):
        window.controls.restart_server()
    assert window.lab.https_url is not None and window.lab.https.port != port
    assert f"Port {port} was busy" in window.controls.notice_banner.text()
    client = window.current_browser.controller.client
    qtbot.waitUntil(lambda: client.https_url == window.lab.https_url)
