"""Each challenge: solved through the UI as a student would, not by a shortcut, not with the fix."""

from __future__ import annotations

import pytest
from helpers import page_text, submit_login
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

WELCOME = "Welcome USER: {} !"


@pytest.fixture
def panel(qtbot, window):
    """The challenge panel of the window, opened from the Challenges menu."""
    window.findChild(QAction, "challenges_open_action").trigger()
    panel = window.challenge_menu.panel
    yield panel
    panel.leave()


def idle(qtbot, window) -> None:
    """Wait until no browser has a request running and every button is back on."""
    qtbot.waitUntil(
        lambda: not any(b.busy or not b.pane.login_button.isEnabled() for b in window.browsers),
        timeout=10000,
    )


def start(qtbot, panel, key: str, fixed: bool = False) -> None:
    """Start a challenge from the panel and let its set-up finish."""
    panel.choice.setCurrentIndex(panel.choice.findData(key))
    if fixed:
        panel.start(key)
        idle(qtbot, panel.window)
        panel.fix_button.click()
    else:
        panel.findChild(type(panel.fix_button), "challenge_start").click()
    idle(qtbot, panel.window)


def tab(window, number: int):
    """Bring Browser ``number`` to the front and return it."""
    browser = window.browsers[number - 1]
    window.tabs.setCurrentWidget(browser.pane)
    return browser


def open_secured(qtbot, window, number: int) -> str:
    """Press Open secured page in Browser ``number``; return the page text once loaded."""
    browser = tab(window, number)
    browser.pane.secured_button.click()
    idle(qtbot, window)
    return page_text(window)


def reload_login_page(qtbot, window, number: int) -> None:
    """Load the login page again in Browser ``number`` (after its cookie or the store changed)."""
    tab(window, number).controller.open("/app_sessions/login/")
    idle(qtbot, window)


def login_in(qtbot, window, number: int, user: str) -> None:
    """Log in Browser ``number`` through its form."""
    tab(window, number)
    submit_login(window, user, "pw")
    idle(qtbot, window)


def copy_cookie(qtbot, window, source: int, target: int) -> None:
    """Browser → Copy this browser's session cookie to → Browser ``target``."""
    tab(window, source)
    window.menus._fill_steal_menu()
    [action] = [a for a in window.menus.steal_menu.actions() if a.text() == f"Browser {target}"]
    action.trigger()
    idle(qtbot, window)


def verdict(panel) -> str | None:
    """The kind of the panel's verdict, or None."""
    return panel.verdict.kind if panel.verdict else None


# 1. Hijack


def test_hijack_is_solved_by_copying_the_session_cookie(qtbot, panel, window):
    start(qtbot, panel, "hijack")
    assert len(window.browsers) == 2
    copy_cookie(qtbot, window, 1, 2)
    assert WELCOME.format("alice") in open_secured(qtbot, window, 2)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")
    assert "Solved!" in panel.status.text()
    assert panel.progress.solved_at("hijack") is not None


def test_hijack_by_typing_alices_password_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "hijack")
    login_in(qtbot, window, 2, "alice")
    assert WELCOME.format("alice") in open_secured(qtbot, window, 2)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")
    assert "That's not the attack" in panel.status.text()
    assert panel.progress.solved_at("hijack") is None


def test_hijack_has_no_fix_to_try(qtbot, panel):
    start(qtbot, panel, "hijack")
    assert not panel.fix_button.isEnabled()  # a bearer token has no lab switch that stops it


def menu(window, name: str) -> None:
    """Trigger the window's menu action ``name``, as a click on it would."""
    window.findChild(QAction, name).trigger()


def edit_cookie(qtbot, window, name: str, value: str) -> None:
    """Double-click cookie ``name``'s Value in the jar view and type ``value``, in effect."""
    model = window.inspectors.cookie_model
    column = next(
        c for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Value"
    )  # fmt: skip
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == name)
    assert model.setData(model.index(row, column), value, Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: window.current_browser.cookie(name) == value)


def not_solved(qtbot, panel) -> None:
    """Give the lab a moment to judge, then check it did not call it solved."""
    idle(qtbot, panel.window)
    assert verdict(panel) != "solved"
    assert panel.progress.solved_at(panel.current.key) is None


# 2. Fixation


def fixation_attack(qtbot, window) -> str:
    copy_cookie(qtbot, window, 1, 2)  # plant the attacker's pre-login id in the victim's jar
    reload_login_page(qtbot, window, 2)  # the victim comes to the login page later
    login_in(qtbot, window, 2, "alice")  # and logs in
    return open_secured(qtbot, window, 1)


def test_fixation_is_solved_by_planting_the_id_before_the_login(qtbot, panel, window):
    start(qtbot, panel, "fixation")
    assert WELCOME.format("alice") in fixation_attack(qtbot, window)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")


def test_fixation_by_logging_the_attacker_in_as_alice_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "fixation")
    login_in(qtbot, window, 1, "alice")
    assert WELCOME.format("alice") in open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")


def test_fixation_fails_with_rotation_on(qtbot, panel, window):
    start(qtbot, panel, "fixation", fixed=True)
    assert "no_rotation" not in window.lab.switches
    assert "You are not logged in" in fixation_attack(qtbot, window)
    not_solved(qtbot, panel)


# 3. Forge


def forge_attack(qtbot, panel, window) -> str:
    value = panel.tools.forge()
    if value:
        edit_cookie(qtbot, window, "sessionid", value)
    return open_secured(qtbot, window, 1)


def test_forge_is_solved_with_the_attackers_tools_and_the_jar(qtbot, panel, window):
    start(qtbot, panel, "forge")
    assert panel.tools.isVisible()
    assert WELCOME.format("admin") in forge_attack(qtbot, panel, window)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")


def test_forge_by_logging_in_as_admin_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "forge")
    login_in(qtbot, window, 1, "admin")
    assert WELCOME.format("admin") in open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")


def test_forge_fails_with_a_strong_key(qtbot, panel, window):
    start(qtbot, panel, "forge", fixed=True)
    assert WELCOME.format("admin") not in forge_attack(qtbot, panel, window)
    assert "No key in the word list" in panel.tools.message.text()
    not_solved(qtbot, panel)


# 4. Replay after logout


def replay_attack(qtbot, window) -> str:
    login_in(qtbot, window, 1, "alice")
    old = window.current_browser.cookie("sessionid")
    window.browser.logout_button.click()
    idle(qtbot, window)
    window.controller.open("/app_sessions/login/")  # a fresh cookie to paste the old value in
    idle(qtbot, window)
    edit_cookie(qtbot, window, "sessionid", old)
    return open_secured(qtbot, window, 1)


def test_replay_is_solved_by_pasting_the_pre_logout_cookie(qtbot, panel, window):
    start(qtbot, panel, "replay")
    assert WELCOME.format("alice") in replay_attack(qtbot, window)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")


def test_replay_by_logging_in_again_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "replay")
    login_in(qtbot, window, 1, "alice")
    window.browser.logout_button.click()
    idle(qtbot, window)
    login_in(qtbot, window, 1, "alice")
    assert WELCOME.format("alice") in open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")


def test_replay_fails_with_sessions_on_the_server(qtbot, panel, window):
    start(qtbot, panel, "replay", fixed=True)
    assert window.lab.state.store_name == "sqlite"
    assert "You are not logged in" in replay_attack(qtbot, window)
    not_solved(qtbot, panel)


# 5. Login CSRF


def test_login_csrf_is_solved_from_the_other_site(qtbot, panel, window):
    start(qtbot, panel, "login_csrf")
    menu(window, "other_site_action")
    idle(qtbot, window)
    assert WELCOME.format("mallory") in open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")


def test_login_csrf_by_typing_the_attackers_name_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "login_csrf")
    login_in(qtbot, window, 1, "mallory")
    assert WELCOME.format("mallory") in open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")


def test_login_csrf_fails_with_the_csrf_check(qtbot, panel, window):
    start(qtbot, panel, "login_csrf", fixed=True)
    menu(window, "other_site_action")
    idle(qtbot, window)
    assert "You are not logged in" in open_secured(qtbot, window, 1)
    not_solved(qtbot, panel)


# 6. Logout CSRF


def test_logout_csrf_is_solved_from_the_other_sites_page(qtbot, panel, window):
    start(qtbot, panel, "logout_csrf")
    assert WELCOME.format("alice") in page_text(window)
    menu(window, "logout_bait_action")
    idle(qtbot, window)
    assert "Successfully alice Logged out" in page_text(window)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")


def test_logout_csrf_by_pressing_log_out_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "logout_csrf")
    window.browser.logout_button.click()
    idle(qtbot, window)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")


def test_logout_csrf_fails_when_logout_needs_a_post_and_a_token(qtbot, panel, window):
    start(qtbot, panel, "logout_csrf", fixed=True)
    secured = open_secured(qtbot, window, 1)
    assert "click here" in secured and "Log out?" not in secured
    menu(window, "logout_bait_action")
    idle(qtbot, window)
    assert "Log out?" in page_text(window)  # the GET only asked
    assert WELCOME.format("alice") in open_secured(qtbot, window, 1)
    not_solved(qtbot, panel)


# 7. Held-back cookie


def test_held_back_is_solved_by_a_request_the_lab_itself_starts(qtbot, panel, window):
    start(qtbot, panel, "held_back")
    withheld = [h for h in panel.watcher.log.hops if h.exchange.cookies_withheld]
    assert withheld and withheld[0].from_other_site
    open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")


def test_held_back_with_a_new_promo_cookie_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "held_back")
    edit_cookie(qtbot, window, "promo", "made-up")
    open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")


def test_held_back_has_no_fix_to_try(qtbot, panel):
    start(qtbot, panel, "held_back")
    assert not panel.fix_button.isEnabled()  # SameSite is the browser's rule, not a fix


# 8. Survive a restart


def test_restart_is_survived_on_a_store_outside_the_process(qtbot, panel, window):
    start(qtbot, panel, "restart")
    assert window.lab.state.store_name == "memory"
    menu(window, "store_sqlite_action")
    reload_login_page(qtbot, window, 1)  # the form on screen was the old server's
    login_in(qtbot, window, 1, "alice")
    menu(window, "restart_action")
    assert WELCOME.format("alice") in open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")


def test_restart_by_logging_in_again_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "restart")
    login_in(qtbot, window, 1, "alice")
    menu(window, "restart_action")
    assert "You are not logged in" in open_secured(qtbot, window, 1)  # memory: gone
    login_in(qtbot, window, 1, "alice")
    open_secured(qtbot, window, 1)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")


def test_restart_has_no_fix_to_try(qtbot, panel):
    start(qtbot, panel, "restart")
    assert not panel.fix_button.isEnabled()  # choosing the store is the fix


# 9. Expiry


def test_expiry_is_solved_by_leaving_one_browser_idle(qtbot, panel, window):
    start(qtbot, panel, "expiry")
    window.controls.set_lifetimes(1, 60)  # the lesson's 20 s, shortened for the test
    login_in(qtbot, window, 1, "alice")
    login_in(qtbot, window, 2, "bob")

    def keep_browser_2_busy() -> bool:
        assert WELCOME.format("bob") in open_secured(qtbot, window, 2)
        return verdict(panel) == "solved"

    qtbot.waitUntil(keep_browser_2_busy, timeout=15000)


def test_expiry_by_logging_out_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "expiry")
    login_in(qtbot, window, 1, "alice")
    login_in(qtbot, window, 2, "bob")
    tab(window, 1)
    window.browser.logout_button.click()
    idle(qtbot, window)
    open_secured(qtbot, window, 2)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")


def test_expiry_has_no_fix_to_try(qtbot, panel):
    start(qtbot, panel, "expiry")
    assert not panel.fix_button.isEnabled()  # expiry is the defence itself


# 11. Eavesdrop


def open_http_login(qtbot, window, number: int) -> None:
    """Open the lab's login page over plain http in Browser ``number``."""
    tab(window, number).controller.open(window.lab.url + "/app_sessions/login/")
    idle(qtbot, window)


def test_eavesdrop_is_solved_with_a_cookie_sent_over_plain_http(qtbot, panel, window):
    start(qtbot, panel, "eavesdrop")
    assert window.lab.https_url is not None
    assert window.browsers[0].pane.address_edit.text().startswith(window.lab.https_url)
    assert WELCOME.format("alice") in page_text(window)
    open_http_login(qtbot, window, 1)
    copy_cookie(qtbot, window, 1, 2)
    assert WELCOME.format("alice") in open_secured(qtbot, window, 2)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")


def test_eavesdrop_by_copying_from_the_jar_is_not_the_attack(qtbot, panel, window):
    start(qtbot, panel, "eavesdrop")
    copy_cookie(qtbot, window, 1, 2)  # never sent over http: no sniffer saw it
    assert WELCOME.format("alice") in open_secured(qtbot, window, 2)
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")
    assert "never crossed plain http" in panel.status.text()


def test_eavesdrop_fails_with_a_secure_cookie(qtbot, panel, window):
    start(qtbot, panel, "eavesdrop", fixed=True)
    idle(qtbot, window)
    assert [row.secure for row in window.browsers[0].jar] == [True]
    open_http_login(qtbot, window, 1)
    entries = window.inspectors.traffic_model.entries()
    assert "sessionid" not in entries[-1].exchange.cookies_sent
    copy_cookie(qtbot, window, 1, 2)
    open_secured(qtbot, window, 2)
    not_solved(qtbot, panel)
