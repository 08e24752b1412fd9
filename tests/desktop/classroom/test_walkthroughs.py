"""Every scenario, driven through the window's walkthrough panel, teaches the change it claims."""

from __future__ import annotations

import time

import pytest
import requests
from devices import SHARED, device, join
from helpers import LOGIN, page_text

import desktop.classroom.lab_actions
import desktop.classroom.walkthroughs.cookies
from desktop.classroom.walkthrough import NOT_LOGGED_IN, WELCOME

STEP_TIMEOUT_MS = 20_000


@pytest.fixture
def panel(window):
    """The window's walkthrough panel."""
    return window.walkthrough_panel


def start(qtbot, panel, key: str) -> None:
    panel.start(key)
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)


def step(qtbot, panel) -> None:
    """Press Next and wait until the step is done and explained."""
    before = panel.index
    panel.next_button.click()
    qtbot.waitUntil(lambda: panel.index == before + 1, timeout=STEP_TIMEOUT_MS)


def users_in_store(window) -> list:
    return [r.data.get("userid") for r in window.lab.sessions()]


def browser_text(window, number: int) -> str:
    return window.browsers[number - 1].pane.page_view.toPlainText()


def test_the_tutorial(qtbot, window, panel):
    start(qtbot, panel, "tutorial")
    step(qtbot, panel)
    assert WELCOME.format("alice") in page_text(window)
    assert users_in_store(window) == ["alice"]
    selected = window.inspectors.session_table.selectionModel().selectedRows()
    assert [i.row() for i in selected] == [0]  # the step highlights the session it made
    step(qtbot, panel)
    assert WELCOME.format("alice") in page_text(window)
    step(qtbot, panel)
    assert users_in_store(window) == [] and window.current_browser.jar == ()
    step(qtbot, panel)
    assert NOT_LOGGED_IN in page_text(window)
    assert panel.done and "What this shows" in panel.text.toPlainText()


def test_several_browsers(qtbot, window, panel):
    start(qtbot, panel, "browsers")
    for _ in range(4):
        step(qtbot, panel)
    assert len(window.browsers) == 2
    assert sorted(users_in_store(window)) == ["alice", "bob"]
    assert WELCOME.format("alice") in browser_text(window, 1)
    assert WELCOME.format("bob") in browser_text(window, 2)
    holders = window.inspectors.session_model.holders
    assert sorted(name for names in holders.values() for name in names) == [
        "Browser 1",
        "Browser 2",
    ]


def test_several_browsers_while_shared_counts_the_class_too(qtbot, window, panel):
    join(device(), window.sharing.share(SHARED), "sam")  # a student, kept by the reset
    start(qtbot, panel, "browsers")
    said = []
    for _ in range(4):
        step(qtbot, panel)
        said.append(panel.text.toPlainText())
    bob = next(text for text in said if "bob's logged-in sessions" in text)
    assert "beside the class's (the lab is shared)" in bob and "two logged-in" not in bob
    assert sorted(users_in_store(window)) == ["alice", "bob", "sam"]


def test_several_browsers_shared_before_anyone_joined_says_two_sessions(qtbot, window, panel):
    # Shared, but no student has opened the page yet: the store holds only the two.
    assert window.sharing.share(SHARED)
    start(qtbot, panel, "browsers")
    said = []
    for _ in range(4):
        step(qtbot, panel)
        said.append(panel.text.toPlainText())
    assert any("The store now holds two logged-in sessions" in text for text in said), said
    assert not any("beside the class's" in text for text in said)


def test_hijacking(qtbot, window, panel):
    start(qtbot, panel, "hijack")
    for _ in range(4):
        step(qtbot, panel)
    assert WELCOME.format("alice") in browser_text(window, 2)
    sid = window.browsers[0].cookie("sessionid")
    assert window.inspectors.session_model.holders[sid] == ["Browser 1", "Browser 2"]
    step(qtbot, panel)
    step(qtbot, panel)
    assert NOT_LOGGED_IN in browser_text(window, 2)
    assert "alice" not in users_in_store(window)


def test_fixation(qtbot, window, panel):
    start(qtbot, panel, "fixation")
    step(qtbot, panel)
    assert "VULNERABLE SERVER" in window.controls.switch_banner.text()
    for _ in range(4):
        step(qtbot, panel)
    assert WELCOME.format("alice") in browser_text(window, 2)
    assert window.browsers[0].cookie("sessionid") == window.browsers[1].cookie("sessionid")
    step(qtbot, panel)
    assert window.controls.switch_banner.text() == ""
    for _ in range(4):
        step(qtbot, panel)
    assert NOT_LOGGED_IN in browser_text(window, 2)
    assert window.browsers[0].cookie("sessionid") != panel.run.notes["planted"]


def timeline(window) -> str:
    return "\n".join(
        f"{e.number} {e.browser} {e.exchange.method} {e.exchange.path} {e.exchange.status} "
        f"sent={e.exchange.cookies_sent} set={[c.value[:8] for c in e.exchange.cookies_set]}"
        for e in window.inspectors.traffic_model.entries()
    )


def test_tampering(qtbot, window, panel):
    start(qtbot, panel, "tamper")
    for _ in range(3):
        step(qtbot, panel)
    assert NOT_LOGGED_IN in page_text(window), timeline(window) + str(panel.run.notes)
    tampered = window.inspectors.traffic_model.entries()[-1]
    assert tampered.exchange.cookies_sent["sessionid"] == panel.run.notes["tampered"]
    assert users_in_store(window) == ["alice"]  # the real session is untouched
    for _ in range(3):
        step(qtbot, panel)
    assert window.lab.state.store_name == "cookie"
    assert NOT_LOGGED_IN in page_text(window)


def test_cookie_store_and_weak_key(qtbot, window, panel):
    start(qtbot, panel, "cookie_store")
    step(qtbot, panel)
    assert "'userid': 'alice'" in window.inspectors.cookie_payload.text()
    assert window.inspectors.session_model.rowCount() == 0
    for _ in range(3):
        step(qtbot, panel)
    assert WELCOME.format("alice") in browser_text(window, 2)  # replayed after logout
    for _ in range(3):
        step(qtbot, panel)
    assert panel.run.notes["guess"].key == "changeme"
    step(qtbot, panel)
    assert WELCOME.format("admin") in browser_text(window, 2)
    step(qtbot, panel)
    step(qtbot, panel)
    assert panel.run.notes["guess"].key is None
    assert "10^77" in panel.text.toPlainText() or "random" in panel.text.toPlainText()


def test_cross_site_login(qtbot, window, panel):
    start(qtbot, panel, "cross_site")
    step(qtbot, panel)
    refused = [e for e in window.inspectors.traffic_model.entries() if e.exchange.initiator]
    assert refused[-1].exchange.status == 400
    assert dict(refused[-1].exchange.request_headers)["Origin"].startswith("http://localhost:")
    assert "mallory" not in users_in_store(window)
    step(qtbot, panel)
    step(qtbot, panel)
    assert WELCOME.format("mallory") in page_text(window)
    assert "mallory" in users_in_store(window)
    step(qtbot, panel)
    assert window.controls.switch_banner.text() == ""


def test_expiry(qtbot, window, panel, monkeypatch):
    monkeypatch.setattr(desktop.classroom.lab_actions, "SHORT_LIFETIMES", (2.5, 5.0))
    start(qtbot, panel, "expiry")
    step(qtbot, panel)
    step(qtbot, panel)
    assert users_in_store(window) == ["alice"]
    step(qtbot, panel)  # waits for idle expiry
    assert users_in_store(window) == []
    step(qtbot, panel)
    assert NOT_LOGGED_IN in page_text(window)
    step(qtbot, panel)
    step(qtbot, panel)  # active until the absolute limit
    assert users_in_store(window) == []
    expired_while_active = [
        e for e in window.inspectors.traffic_model.entries() if "had expired" in e.sentence
    ]
    assert expired_while_active or NOT_LOGGED_IN in page_text(window)
    step(qtbot, panel)
    assert window.lab.app.config["SESSION_IDLE_LIFETIME"] == 30 * 60


def test_restart(qtbot, window, panel):
    start(qtbot, panel, "restart")
    for _ in range(3):
        step(qtbot, panel)
    assert WELCOME.format("alice") in page_text(window)
    for _ in range(3):
        step(qtbot, panel)
    assert window.lab.state.store_name == "memory"
    assert NOT_LOGGED_IN in page_text(window)
    step(qtbot, panel)
    assert WELCOME.format("alice") in page_text(window)
    step(qtbot, panel)
    step(qtbot, panel)
    assert NOT_LOGGED_IN in page_text(window)


def test_clear_cookies_and_withheld_cookies(qtbot, window, panel, monkeypatch):
    monkeypatch.setattr(desktop.classroom.walkthroughs.cookies, "PROMO_SECONDS", 1)
    start(qtbot, panel, "clear_cookies")
    for _ in range(3):
        step(qtbot, panel)
    last = window.inspectors.traffic_model.entries()[-1].exchange
    assert [(w.name, w.reason.split(":")[0]) for w in last.cookies_withheld] == [
        ("prefs", "Secure")
    ]
    assert "prefs" not in last.cookies_sent and "promo" in last.cookies_sent
    panel.next_button.click()  # waits out promo, showing how long is left
    qtbot.waitUntil(lambda: "promo expires in" in panel.countdown.text())
    qtbot.waitUntil(lambda: panel.index == 4, timeout=STEP_TIMEOUT_MS)
    reasons = {
        w.name: w.reason.split(":")[0]
        for e in window.inspectors.traffic_model.entries()
        for w in e.exchange.cookies_withheld
    }
    assert reasons == {"prefs": "Secure", "promo": "expired"}
    step(qtbot, panel)
    assert window.current_browser.jar == ()
    assert users_in_store(window) == ["alice"]
    step(qtbot, panel)
    assert NOT_LOGGED_IN in page_text(window)


def test_the_promo_cookie_does_not_depend_on_the_teachers_pace(qtbot, window, panel, monkeypatch):
    monkeypatch.setattr(desktop.classroom.walkthroughs.cookies, "PROMO_SECONDS", 1)
    start(qtbot, panel, "clear_cookies")
    step(qtbot, panel)
    step(qtbot, panel)
    # The teacher talks for longer than promo lives before pressing Next.
    talked_until = time.time() + 2
    qtbot.waitUntil(lambda: time.time() > talked_until, timeout=5000)
    step(qtbot, panel)
    last = window.inspectors.traffic_model.entries()[-1].exchange
    assert "promo" in last.cookies_sent  # its clock started in the step that sends it


def test_open_in_your_browser_claims_only_what_the_server_saw(qtbot, window, panel, monkeypatch):
    opened = []
    monkeypatch.setattr(
        "desktop.classroom.lab_actions.QDesktopServices.openUrl",
        lambda url: opened.append(url) or True,
    )
    start(qtbot, panel, "own_browser")
    step(qtbot, panel)
    assert [u.toString() for u in opened] == [window.lab.url + "/app_sessions/login/"]
    text = panel.text.toPlainText()
    assert "If it opened" in text and "Your browser opened" not in text
    step(qtbot, panel)  # nobody came: the lab does not pretend
    assert "no session from another browser" in panel.text.toPlainText()

    start(qtbot, panel, "own_browser")
    step(qtbot, panel)
    with requests.Session() as own:  # the teacher's own browser, outside the lab
        own.get(window.lab.url + LOGIN, timeout=10)
    qtbot.waitUntil(lambda: len(window.lab.sessions()) == 2)
    step(qtbot, panel)
    assert "no lab browser holds (nobody logged in yet)" in panel.text.toPlainText()


def test_every_scenario_is_in_the_menu_two_clicks_away(window):
    from desktop.classroom.walkthroughs import WALKTHROUGHS

    titles = [a.text() for a in window.menus.scenarios_menu.actions()]
    assert len(titles) == len(WALKTHROUGHS) >= 10
    window.menus.scenarios_menu.actions()[1].trigger()
    assert window.walkthrough_panel.current.key == "browsers"


def test_same_site_in_full(qtbot, window, panel):
    from desktop.classroom.walkthroughs.same_site import carried

    start(qtbot, panel, "same_site")
    step(qtbot, panel)
    assert window.current_browser.jar[0].same_site == "Lax"
    step(qtbot, panel)
    lax = carried(panel.run)
    assert list(lax) == [
        "the link (a top-level GET)",
        "the form (a top-level POST)",
        "the image (an embedded GET)",
    ]
    assert lax["the link (a top-level GET)"] is None
    assert lax["the form (a top-level POST)"].startswith("SameSite=Lax")
    assert lax["the image (an embedded GET)"].startswith("SameSite=Lax")
    assert "held back (SameSite=Lax" in panel.text.toPlainText()
    step(qtbot, panel)
    assert window.current_browser.jar[0].same_site == "Strict"
    step(qtbot, panel)
    assert all(reason.startswith("SameSite=Strict") for reason in carried(panel.run).values())
    step(qtbot, panel)
    assert window.current_browser.jar[0].same_site == ""
    step(qtbot, panel)
    unset = carried(panel.run)
    assert unset["the link (a top-level GET)"] is None
    assert unset["the form (a top-level POST)"] is None  # Lax-allowing-unsafe: 2 minutes
    assert unset["the image (an embedded GET)"].startswith("no SameSite")
    step(qtbot, panel)
    assert window.current_browser.jar == ()
    entries = window.inspectors.traffic_model.entries()
    refused = [r.reason for e in entries for r in e.exchange.cookies_rejected]
    assert refused and all("SameSite=None without Secure" in r for r in refused)
    posts = [e.exchange for e in window.inspectors.traffic_model.entries()]
    posts = [x for x in posts if x.method == "POST" and x.path == LOGIN]
    assert posts[-1].status == 400  # with no session cookie, the CSRF token matched nothing
    step(qtbot, panel)
    assert NOT_LOGGED_IN not in page_text(window)
    assert "alice" in page_text(window)  # the free-ticket GET logged her out
    logged_out = window.inspectors.traffic_model.entries()[-1].exchange
    assert logged_out.path == "/app_sessions/logout/" and "sessionid" in logged_out.cookies_sent
    step(qtbot, panel)
    sid = window.browsers[0].cookie("sessionid")
    assert any(r.sid == sid and r.data.get("userid") == "alice" for r in window.lab.sessions())
    step(qtbot, panel)
    assert window.lab.fixes == set()
    panel.stop()
    assert window.lab.app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_remember_me_and_theft_detection(qtbot, window, panel):
    from server.remember_me import COOKIE_NAME

    start(qtbot, panel, "remember_me")
    step(qtbot, panel)
    assert not window.browsers[0].pane.remember_box.isHidden()
    names = {row.name: row for row in window.browsers[0].jar}
    assert names["sessionid"].expires is None and names[COOKIE_NAME].expires is not None
    (token,) = window.inspectors.remember_model.tokens()
    assert token.userid == "alice"
    assert not window.inspectors.remember_table.isHidden()
    step(qtbot, panel)
    assert window.browsers[1].cookie(COOKIE_NAME) == panel.run.notes["stolen"]
    step(qtbot, panel)
    assert [row.name for row in window.browsers[0].jar] == [COOKIE_NAME]
    step(qtbot, panel)
    assert WELCOME.format("alice") in browser_text(window, 1)
    assert window.browsers[0].cookie(COOKIE_NAME) != panel.run.notes["stolen"]
    qtbot.waitUntil(lambda: window.inspectors.remember_model.tokens()[0].uses == 1)
    step(qtbot, panel)
    assert NOT_LOGGED_IN in browser_text(window, 2)
    assert window.browsers[1].cookie(COOKIE_NAME) is None
    qtbot.waitUntil(lambda: window.inspectors.remember_model.tokens() == [])
    step(qtbot, panel)
    assert NOT_LOGGED_IN in browser_text(window, 1)
    step(qtbot, panel)
    assert window.lab.app.config["REMEMBER_ME"] is False
    panel.stop()


def test_the_login_form_has_no_remember_box_without_the_switch(window):
    pane = window.browsers[0].pane
    assert pane.remember_box.isHidden()
    assert not pane.remember


def test_https_secure_and_cookie_prefixes(qtbot, window, panel, monkeypatch):
    from desktop.classroom.walkthroughs.https import HOST_NAME, last_exchange

    opened = []
    monkeypatch.setattr(
        "desktop.classroom.https_actions.QDesktopServices.openUrl",
        lambda url: opened.append(url.toString()) or True,
    )
    start(qtbot, panel, "https")
    step(qtbot, panel)
    https = window.lab.https_url
    assert https is not None and window.browser.address_edit.text().startswith(https)
    step(qtbot, panel)
    assert WELCOME.format("alice") in page_text(window)
    assert [r.secure for r in window.current_browser.jar] == [False]
    step(qtbot, panel)  # plain http: the cookie goes along
    assert WELCOME.format("alice") in page_text(window)
    assert "anyone on the network can read" in panel.text.toPlainText()
    step(qtbot, panel)
    assert [r.secure for r in window.current_browser.jar] == [True]
    step(qtbot, panel)  # plain http: held back
    assert NOT_LOGGED_IN in page_text(window)
    assert "Held back: “Secure: only sent over HTTPS" in panel.text.toPlainText()
    step(qtbot, panel)  # login over http: refused
    assert "Secure, but set over plain HTTP" in panel.text.toPlainText()
    assert last_exchange(panel.run).status == 400
    step(qtbot, panel)
    assert window.current_browser.cookie(HOST_NAME) is not None
    assert WELCOME.format("alice") in page_text(window)
    step(qtbot, panel)
    assert window.current_browser.cookie(HOST_NAME) is None
    assert "__Host- prefix: the cookie must be Secure" in panel.text.toPlainText()
    step(qtbot, panel)
    assert set(window.current_browser.controller.client.hsts.hosts) == {"127.0.0.1"}
    step(qtbot, panel)  # http typed, https sent
    assert last_exchange(panel.run).url.startswith(https)
    assert "Upgraded by HSTS" in panel.text.toPlainText()
    entries = window.inspectors.traffic_model.entries()
    assert entries[-2].exchange.status == 307
    step(qtbot, panel)
    assert opened == [https + LOGIN]
    assert "never click through" in panel.text.toPlainText()
    step(qtbot, panel)
    assert window.lab.cookie_name == "sessionid"
    assert window.current_browser.controller.client.hsts.hosts == {}
    assert not window.lab.app.config["SESSION_COOKIE_SECURE"]
    panel.stop()  # the teacher's lab comes back: http only
    assert window.lab.https_url is None
