"""A solved challenge selects the arrow of the hop that carried the attack out."""

from __future__ import annotations

from helpers import page_text
from PySide6.QtGui import QAction


def test_a_solved_hijack_selects_the_thiefs_hop(qtbot, window):
    window.findChild(QAction, "challenges_open_action").trigger()
    panel = window.challenge_menu.panel
    try:
        panel.start("hijack")
        qtbot.waitUntil(
            lambda: len(window.browsers) == 2 and not any(b.busy for b in window.browsers)
        )
        qtbot.waitUntil(lambda: window.browsers[0].cookie("sessionid") is not None, timeout=10000)
        window.menus.actions.copy_session_cookie(window.browsers[0], window.browsers[1])
        qtbot.waitUntil(
            lambda: window.browsers[1].cookie("sessionid") == window.browsers[0].cookie("sessionid")
        )
        window.tabs.setCurrentWidget(window.browsers[1].pane)
        window.browsers[1].controller.secured_page()
        qtbot.waitUntil(lambda: "Welcome USER: alice" in page_text(window), timeout=10000)
        qtbot.waitUntil(lambda: panel.verdict is not None and panel.verdict.kind == "solved")
        last = window.inspectors.traffic_model.rowCount() - 1
        diagram = window.inspectors.sequence_diagram
        assert diagram.emphasised == range(last, last + 1)
        assert diagram.selected_row() == last
        assert window.inspectors.traffic_model.entry(last).browser == "Browser 2"
    finally:
        panel.leave()
