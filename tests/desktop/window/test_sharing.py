"""Share with the class: students join over 127.0.0.2 (standing for the teacher's network address).

A ``requests`` client and a real headless Chromium are the students' devices; the window's
store view, class view and timeline summary follow them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import segno
from devices import FIREFOX_ANDROID, SAFARI_IPHONE, SHARED, device, join
from helpers import LOGIN, SECURED, page_text, submit_login
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from desktop.inspectors.handout import handout_html

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 15_000
MARKUP_NAME = '<b>bold</b><img src="http://127.0.0.1:9/x.png">'


@pytest.fixture
def chromium():
    """A headless Chromium (Debian's); skipped when absent, failed when absent in CI."""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-proxy-server", "--no-first-run"],
            headless=True,
        )
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        context.close()
        browser.close()


@pytest.fixture
def shared(window):
    """The window's lab, shared on 127.0.0.2; yields the URL students open."""
    url = window.sharing.share(SHARED)
    assert url is not None
    return url


def rows_by_user(window) -> dict[str, tuple[str, ...]]:
    model = window.inspectors.session_model
    return {
        record.data["userid"]: model.cells(record)
        for record in model.records()
        if "userid" in record.data
    }


def test_sharing_shows_the_address_large_with_a_qr_code(window, shared):
    assert shared == f"http://{SHARED}:{window.lab.server.port}"
    assert shared in window.sharing.banner.text()
    dialog = window.sharing.join_dialog
    assert dialog.isVisible() and dialog.url_label.text() == shared
    assert dialog.url_label.font().pointSizeF() > window.font().pointSizeF() * 2
    assert window.sharing.join_action.isEnabled() and window.sharing.stop_action.isEnabled()
    # The code the dialog shows is the URL's, module for module.
    image, area = dialog.qr.grab().toImage(), dialog.qr.code_rect()
    matrix = segno.make(shared, error="m").matrix
    module = area.width() // (len(matrix) + 8)
    for row, bits in enumerate(matrix):
        for column, dark in enumerate(bits):
            x = area.left() + (column + 4) * module + module // 2
            y = area.top() + (row + 4) * module + module // 2
            assert (image.pixelColor(x, y).lightness() < 128) == bool(dark), (row, column)


def test_stop_sharing_returns_to_loopback_only(window, shared):
    window.findChild(type(window.sharing.stop_action), "stop_sharing_action").trigger()
    assert window.lab.share_url is None
    assert not window.sharing.banner.isVisible()
    assert not window.sharing.stop_action.isEnabled()
    with pytest.raises(OSError):
        device().get(shared + LOGIN, timeout=5)


def test_a_class_server_that_dies_takes_the_shared_bar_down(qtbot, window, shared):
    # The red bar says the server stopped; the blue one must not go on inviting students.
    assert window.lab.share.serving.wait(TIMEOUT_MS / 1000)
    window.lab.share._process.kill()
    qtbot.waitUntil(lambda: window.controls.server_banner.isVisible(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.sharing.banner.isVisible(), timeout=TIMEOUT_MS)
    assert not window.sharing.join_action.isEnabled()


def test_students_fill_the_store_view_named_by_their_browsers(qtbot, window, shared, chromium):
    assert "Welcome USER: sam !" in join(device(user_agent=FIREFOX_ANDROID), shared, "sam").text
    page = chromium.new_page()
    page.goto(shared + LOGIN)
    page.get_by_label("User name:").fill("chris")
    page.get_by_label("Password:").fill("secret")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**" + SECURED)
    assert "Welcome USER: chris !" in page.content()

    def both_named() -> None:
        rows = rows_by_user(window)
        assert "Firefox on Android · 127.0.0.1" in rows.get("sam", ("", ""))[1]
        assert "Headless Chrome on Linux · 127.0.0.1" in rows.get("chris", ("", ""))[1]

    qtbot.waitUntil(both_named, timeout=TIMEOUT_MS)
    # The timeline keeps the teacher's own browser; the class is one line above it.
    assert {entry.browser for entry in window.inspectors.traffic_model.entries()} == {"Browser 1"}
    summary = window.sharing.summary
    qtbot.waitUntil(lambda: "from 2 devices" in summary.full_text(), timeout=TIMEOUT_MS)
    assert summary.isVisible()

    view = window.sharing.show_class_view()
    qtbot.addWidget(view)
    qtbot.waitUntil(
        lambda: {row.user for row in view.model.rows()} == {"sam", "chris"}, timeout=TIMEOUT_MS
    )
    assert view.counts.text().startswith("2 logged in")
    assert shared in view.address.text()
    assert not any(row.hijacked for row in view.model.rows())

    # A neighbour's phone sends chris's session cookie: the class view flags it live.
    stolen = next(c["value"] for c in chromium.cookies() if c["name"] == "sessionid")
    thief = device(user_agent=SAFARI_IPHONE)
    thief.cookies.set("sessionid", stolen)
    assert "Welcome USER: chris !" in thief.get(shared + SECURED, timeout=10).text
    page.reload()  # chris goes on using it

    def flagged() -> None:
        first = view.model.rows()[0]
        assert first.user == "chris" and first.hijacked
        assert "Safari on iPhone" in first.alert and "Headless Chrome on Linux" in first.alert

    qtbot.waitUntil(flagged, timeout=TIMEOUT_MS)
    assert "1 hijack" in view.counts.text()
    index = view.model.index(0, 4)
    assert view.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None


def test_a_weakening_switch_asks_first_while_shared(window, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: asked.append(a) or 0)
    action = window.menus.switch_actions["no_rotation"]
    action.trigger()  # not shared: no question
    assert asked == [] and "no_rotation" in window.lab.switches
    action.trigger()  # off again
    window.sharing.share(SHARED)

    monkeypatch.setattr(
        QMessageBox, "warning", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.No
    )
    action.trigger()
    assert len(asked) == 1 and "every student" in asked[0][2]
    assert "no_rotation" not in window.lab.switches and not action.isChecked()
    assert not window.controls.switch_banner.text()

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    action.trigger()
    assert "no_rotation" in window.lab.switches and action.isChecked()
    assert f"FOR EVERYONE ON {window.lab.share_url}" in window.controls.switch_banner.text()


def test_what_a_student_types_is_shown_as_text_everywhere(qtbot, window, shared):
    student = device(user_agent=FIREFOX_ANDROID)
    join(student, shared, MARKUP_NAME)
    qtbot.waitUntil(lambda: MARKUP_NAME in rows_by_user(window), timeout=TIMEOUT_MS)
    model = window.inspectors.session_model
    row = next(i for i, r in enumerate(model.records()) if r.data.get("userid") == MARKUP_NAME)
    tooltip = model.data(model.index(row, 5), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;img" in tooltip and "<img" not in tooltip

    view = window.sharing.show_class_view()
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert view.model.data(view.model.index(0, 0)) == MARKUP_NAME
    assert "<img" not in view.model.data(view.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)

    # The teacher's browser takes the student's session: the name reaches the page, the
    # detail pane and the exports, always as text.
    window.controller.set_cookie("sessionid", student.cookies["sessionid"])
    window.controller.open(SECURED)
    qtbot.waitUntil(lambda: "Welcome USER: <b>bold</b>" in page_text(window), timeout=TIMEOUT_MS)
    detail = window.inspectors.traffic_detail
    qtbot.waitUntil(lambda: MARKUP_NAME in detail.toPlainText())  # shown, not rendered
    entries = window.inspectors.traffic_model.entries()
    traffic_tip = window.inspectors.traffic_model.data(
        window.inspectors.traffic_model.index(len(entries) - 1, 0), Qt.ItemDataRole.ToolTipRole
    )
    assert "<img" not in traffic_tip
    html = handout_html(entries, hide_secrets=False)
    assert "<img" not in html and "&lt;img" in html


def test_the_teacher_is_told_when_the_lab_turns_students_away(qtbot, window, shared):
    window.lab.set_config("SHARED_SESSION_CAP", len(window.lab.sessions()) + 1)  # one place left
    join(device(user_agent=FIREFOX_ANDROID), shared, "sam")
    late = device(user_agent=SAFARI_IPHONE).get(shared + LOGIN, timeout=10)
    assert late.status_code == 503
    summary = window.sharing.summary
    qtbot.waitUntil(lambda: "the lab is full" in summary.full_text(), timeout=TIMEOUT_MS)
    assert summary.full_text().startswith("⚠ Refused in the last minute: 1 request from 1 device")
    assert summary.property("severity") == "warning"


def test_reset_while_shared_keeps_the_class_logged_in(qtbot, window, shared):
    student = device(user_agent=FIREFOX_ANDROID)
    join(student, shared, "sam")
    view = window.sharing.show_class_view()
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: {r.user for r in view.model.rows()} == {"sam"}, timeout=TIMEOUT_MS)
    submit_login(window, "teacher", "pw")  # the lab's own browser
    qtbot.waitUntil(lambda: "teacher" in rows_by_user(window), timeout=TIMEOUT_MS)

    window.reset_lab()  # as a walkthrough's start does
    qtbot.waitUntil(lambda: not window.lab_reset.pending, timeout=TIMEOUT_MS)
    users = {record.data.get("userid") for record in window.lab.sessions()}
    assert "sam" in users and "teacher" not in users
    assert "class's 1 session stayed" in window.status.message.full_text()
    assert "Welcome USER: sam !" in student.get(shared + SECURED, timeout=10).text
    qtbot.waitUntil(lambda: {r.user for r in view.model.rows()} == {"sam"}, timeout=TIMEOUT_MS)
    qtbot.waitUntil(  # still named as its holder, once the store view has looked again
        lambda: "Firefox on Android" in rows_by_user(window).get("sam", ("", ""))[1],
        timeout=TIMEOUT_MS,
    )


def test_reset_keeps_a_student_who_logged_in_a_moment_before(qtbot, window, shared):
    # The student's request reached the server; the window has not looked at the class's
    # requests since: the reset must still know whose session it is.
    student = device(user_agent=FIREFOX_ANDROID)
    join(student, shared, "kim")
    window.reset_lab()
    qtbot.waitUntil(lambda: not window.lab_reset.pending, timeout=TIMEOUT_MS)
    assert "kim" in {record.data.get("userid") for record in window.lab.sessions()}


def test_a_store_switch_while_shared_says_where_the_class_sessions_stayed(qtbot, window, shared):
    # The stores walkthrough starts on the cookie store: the class's SQLite sessions are out of
    # sight meanwhile, and the yellow bar says so until the lab is back on SQLite.
    student = device(user_agent=FIREFOX_ANDROID)
    join(student, shared, "sam")
    window.controls.switch_store("cookie", remember=False)
    notice = window.controls.notice_banner
    assert "class's 1 session stayed in the sqlite store" in notice.text()
    assert notice.isVisibleTo(window)
    shared = window.lab.share_url  # the same address, served by the rebuilt lab
    assert "not logged in" in student.get(shared + SECURED, timeout=10).text
    # A further switch (the walkthrough's memory step) and a restart keep saying it.
    window.controls.switch_store("memory", remember=False)
    window.controls.restart_server()
    assert "stayed in the sqlite store, out of sight while the lab uses the memory" in notice.text()

    window.controls.switch_store("sqlite", remember=False)
    assert "class's" not in notice.text()
    assert "Welcome USER: sam !" in student.get(shared + SECURED, timeout=10).text


def test_reset_when_not_shared_empties_the_store(qtbot, window):
    submit_login(window, "teacher", "pw")
    qtbot.waitUntil(lambda: "teacher" in rows_by_user(window), timeout=TIMEOUT_MS)
    window.reset_lab()
    qtbot.waitUntil(lambda: not window.lab_reset.pending, timeout=TIMEOUT_MS)
    assert not [r for r in window.lab.sessions() if "userid" in r.data]
    assert window.status.message.full_text() == ""


def test_a_refused_share_asked_in_a_dialog_says_why_in_full(window, monkeypatch):
    # The status line cuts a long reason short at presenter zoom; the teacher must read it.
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("127.0.0.1", True))
    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(text))
    window.sharing.ask_to_share()
    assert window.lab.share_url is None
    assert told == [
        "Could not share on 127.0.0.1: 127.0.0.1 is this computer's own loopback address, "
        "which no other device can open; pick this computer's network address"
    ]


def test_a_store_switch_away_from_cookies_while_shared_says_the_class_is_logged_out(
    qtbot, window, shared
):
    # On the cookie store the class's sessions live in the students' own cookies, which the
    # lab cannot list: a switch away logged them out without a word.
    window.controls.switch_store("cookie", remember=False)
    student = device(user_agent=FIREFOX_ANDROID)
    join(student, window.lab.share_url, "sam")
    window.controls.switch_store("sqlite", remember=False)
    notice = window.controls.notice_banner
    assert "class's 1 session were in the students' own cookies" not in notice.text()
    assert "class's 1 session was in the students' own cookies" in notice.text()
    assert "not logged in" in student.get(window.lab.share_url + SECURED, timeout=10).text
    window.controls.switch_store("cookie", remember=False)
    assert "class's" not in notice.text()  # said once: the cookie was replaced meanwhile
    assert "not logged in" in student.get(window.lab.share_url + SECURED, timeout=10).text
