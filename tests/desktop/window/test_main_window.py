"""The real window against the real embedded server, driven the way a student drives it."""

from __future__ import annotations

import threading

import pytest
from helpers import page_text, submit_login
from PySide6.QtCore import QUrl

WELCOME = "Welcome USER: alice !, You have access to this Secure Page"
NOT_LOGGED_IN = "You are not logged in, Cannot access this page"


def cookie_names(window) -> list[str]:
    return [row.name for row in window.inspectors.cookie_model.rows()]


def session_users(window) -> list[str | None]:
    return [r.data.get("userid") for r in window.inspectors.session_model.records()]


def log_in(qtbot, window, userid="alice", passwd="secret"):
    submit_login(window, userid, passwd)


def test_start_page_is_the_login_form_and_its_session(window):
    assert window.windowTitle() == "Session Lab"
    assert window.browser.address_edit.text().endswith("/app_sessions/login/")
    # Flask-WTF keeps the CSRF token in the session, so merely opening the form creates one.
    assert cookie_names(window) == ["sessionid"]
    assert session_users(window) == [None]
    first = window.inspectors.traffic_model.entry(0)
    assert first.sentence.startswith("The server created session")


def test_login_secured_page_logout(qtbot, window):
    pre_login_sid = window.inspectors.cookie_model.rows()[0].value
    log_in(qtbot, window)
    qtbot.waitUntil(lambda: WELCOME in page_text(window))

    jar = window.inspectors.cookie_model.rows()
    assert [c.name for c in jar] == ["sessionid"]
    assert jar[0].value != pre_login_sid
    assert jar[0].http_only and jar[0].same_site == "Lax" and jar[0].expires_text == "Session"
    assert session_users(window) == ["alice"]
    assert window.inspectors.session_model.current_sid == jar[0].value
    assert window.browser.passwd_edit.text() == ""

    hops = [
        (e.exchange.method, e.exchange.path, e.exchange.status)
        for e in window.inspectors.traffic_model.entries()
    ]
    assert hops[-3:] == [
        ("GET", "/app_sessions/login/", 200),
        ("POST", "/app_sessions/login/", 302),
        ("GET", "/app_sessions/secured_page/", 200),
    ]
    post = window.inspectors.traffic_model.entries()[-2]
    assert "Login rotated the session id" in post.sentence
    assert [e.kind for e in post.events] == ["rotated"]
    window.inspectors.traffic_table.selectRow(len(hops) - 2)
    detail_pane = window.inspectors.traffic_detail
    qtbot.waitUntil(lambda: "Login rotated the session id" in detail_pane.toPlainText())
    detail = detail_pane.toPlainText()
    assert "Login rotated the session id" in detail
    assert "Set-Cookie: sessionid=" + jar[0].value in detail

    window.browser.secured_button.click()
    qtbot.waitUntil(lambda: window.inspectors.traffic_model.rowCount() == len(hops) + 1)
    assert WELCOME in page_text(window)

    window.browser.logout_button.click()
    qtbot.waitUntil(lambda: "Successfully alice Logged out !" in page_text(window))
    assert cookie_names(window) == []
    assert session_users(window) == []
    assert "Logout deleted session" in window.inspectors.traffic_model.entries()[-1].sentence
    assert window.status.sessions.text() == "Live sessions: 0"

    window.browser.secured_button.click()
    qtbot.waitUntil(lambda: NOT_LOGGED_IN in page_text(window))


def test_the_pages_logout_link_works(qtbot, window):
    log_in(qtbot, window)
    qtbot.waitUntil(lambda: WELCOME in page_text(window))
    # What a click on the page's "click here" link emits.
    window.browser.page_view.anchorClicked.emit(QUrl("/app_sessions/logout/"))
    qtbot.waitUntil(lambda: "Successfully alice Logged out !" in page_text(window))


def test_typed_address_navigates(qtbot, window):
    window.browser.address_edit.setText("/app_sessions/secured_page/")
    window.browser.go_button.click()
    qtbot.waitUntil(lambda: NOT_LOGGED_IN in page_text(window))
    assert window.browser.address_edit.text().endswith("/app_sessions/secured_page/")


@pytest.mark.parametrize(
    ("userid", "passwd", "label", "message"),
    [
        ("", "secret", "userid_error", "Enter a user name."),
        ("   ", "secret", "userid_error", "Enter a user name."),
        ("alice", "", "passwd_error", "Enter a password."),
    ],
)
def test_form_errors_show_in_the_window(qtbot, window, userid, passwd, label, message):
    error = getattr(window.browser, label)
    log_in(qtbot, window, userid, passwd)
    qtbot.waitUntil(lambda: error.isVisible() and message in error.text())
    assert window.inspectors.traffic_model.entries()[-1].exchange.status == 400
    assert session_users(window) == [None]


def test_a_stopped_server_shows_an_error_and_the_window_stays_usable(qtbot, window, lab):
    lab.stop()
    window.browser.secured_button.click()
    qtbot.waitUntil(
        lambda: "Could not reach the session server" in window.status.message.full_text()
    )
    assert "could not be loaded" in page_text(window)
    qtbot.waitUntil(lambda: not window.status.busy.isVisible())

    lab.start()  # same port again, so the window's browser finds it
    log_in(qtbot, window)
    qtbot.waitUntil(lambda: WELCOME in page_text(window))
    assert window.status.message.full_text() == ""


def test_session_events_reach_the_store_inspector_live(qtbot, window, lab):
    # Another client, outside the window: its session appears without any action in the window.
    import requests
    from helpers import browser_login

    with requests.Session() as other:
        other.trust_env = False
        with qtbot.waitSignal(window.controls.link.bridge.session_event):
            browser_login(other, lab.url, "bob")
    qtbot.waitUntil(lambda: "bob" in session_users(window))
    assert window.status.sessions.text() == "Live sessions: 2"


def test_closing_the_window_stops_server_and_workers(qtbot, lab, tmp_path):
    from desktop.window.main_window import MainWindow

    window = MainWindow(lab)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Type Anything" in page_text(window))
    url = lab.url
    window.close()
    assert not lab.server.running
    names = [t.name for t in threading.enumerate()]
    assert not [n for n in names if n.startswith("session-server")]
    import requests

    with pytest.raises(requests.ConnectionError), requests.Session() as probe:
        probe.trust_env = False
        probe.get(url + "/", timeout=2)


def test_widgets_have_object_and_accessible_names(window):
    from PySide6.QtWidgets import QWidget

    for name in (
        "userid_edit",
        "passwd_edit",
        "login_button",
        "secured_button",
        "logout_button",
        "page_view",
        "address_edit",
        "cookie_table",
        "session_table",
        "traffic_table",
        "traffic_detail",
    ):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    from PySide6.QtWidgets import QLineEdit

    assert window.browser.passwd_edit.echoMode() == QLineEdit.EchoMode.Password
    assert window.browser.passwd_edit.maxLength() == 32
