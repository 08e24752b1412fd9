"""The load-balancer challenge: solved with a shared store, not by sticky sessions or luck."""

from __future__ import annotations

import pytest
from helpers import page_text, submit_login
from PySide6.QtGui import QAction

from desktop.lab.balanced_lab import BalancedLab
from desktop.lab.embedded_lab import Lab
from server.balancer import STICKY_COOKIE

WELCOME = "Welcome USER: alice !"


@pytest.fixture
def panel(qtbot, window):
    window.findChild(QAction, "challenges_open_action").trigger()
    panel = window.challenge_menu.panel
    yield panel
    panel.leave()


def idle(qtbot, window) -> None:
    qtbot.waitUntil(
        lambda: not any(b.busy or not b.pane.login_button.isEnabled() for b in window.browsers),
        timeout=10000,
    )


def start(qtbot, panel) -> None:
    panel.choice.setCurrentIndex(panel.choice.findData("load_balancer"))
    panel.findChild(type(panel.fix_button), "challenge_start").click()
    idle(qtbot, panel.window)


def menu(window, name: str) -> None:
    """Open Server → Load balancer and click item ``name`` (a check box toggles)."""
    window.menus.balancer_menu.sync()
    window.findChild(QAction, name).trigger()


def log_in(qtbot, window) -> str:
    submit_login(window, "alice", "pw")
    idle(qtbot, window)
    return page_text(window)


def reload_login_page(qtbot, window) -> None:
    """Load the login form again, as its error page says (the servers changed under it)."""
    window.current_browser.controller.open("/app_sessions/login/")
    idle(qtbot, window)


def open_secured(qtbot, window) -> str:
    window.browser.secured_button.click()
    idle(qtbot, window)
    return page_text(window)


def verdict(panel) -> str | None:
    return panel.verdict.kind if panel.verdict else None


def test_the_lab_starts_behind_the_balancer_and_a_login_fails_on_the_other_server(
    qtbot, panel, window
):
    start(qtbot, panel)
    assert isinstance(window.lab, BalancedLab) and window.lab.state.store_name == "memory"
    assert "Welcome" not in log_in(qtbot, window)  # the form's server is not the POST's
    assert verdict(panel) is None
    assert not panel.fix_button.isEnabled()


def test_sticky_sessions_keep_alice_on_one_server_only_so_it_is_not_solved(qtbot, panel, window):
    start(qtbot, panel)
    menu(window, "sticky_action")
    assert window.lab.sticky
    reload_login_page(qtbot, window)  # the form on screen came before the balancer stuck
    assert WELCOME in log_in(qtbot, window)
    assert WELCOME in open_secured(qtbot, window)
    assert window.browsers[0].cookie(STICKY_COOKIE) in ("A", "B")
    qtbot.waitUntil(lambda: verdict(panel) == "shortcut")
    assert "sticky cookie keeps alice on server" in panel.status.text()
    assert panel.progress.solved_at("load_balancer") is None


def test_a_shared_store_solves_it(qtbot, panel, window):
    start(qtbot, panel)
    window.findChild(QAction, "store_sqlite_action").trigger()
    assert isinstance(window.lab, BalancedLab) and window.lab.state.store_name == "sqlite"
    reload_login_page(qtbot, window)
    assert WELCOME in log_in(qtbot, window)
    assert WELCOME in open_secured(qtbot, window)
    qtbot.waitUntil(lambda: verdict(panel) == "solved")
    assert panel.progress.solved_at("load_balancer") is not None


def test_leaving_the_challenge_puts_the_one_server_lab_back(qtbot, panel, window):
    port = window.lab.server.port
    start(qtbot, panel)
    panel.leave()
    assert type(window.lab) is Lab and window.lab.server.port == port


def test_the_menu_restarts_one_server_and_leaves_the_balancer(qtbot, panel, window):
    start(qtbot, panel)
    menu(window, "sticky_action")
    reload_login_page(qtbot, window)
    assert WELCOME in log_in(qtbot, window)
    pinned = window.browsers[0].cookie(STICKY_COOKIE)
    menu(window, f"restart_server_{pinned}_action")
    assert "Welcome" not in open_secured(qtbot, window)
    menu(window, "balanced_action")
    assert type(window.lab) is Lab
    window.menus.balancer_menu.sync()
    assert not window.findChild(QAction, "sticky_action").isEnabled()
