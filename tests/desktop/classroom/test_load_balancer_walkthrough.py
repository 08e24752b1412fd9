"""The load-balancer walkthrough: a login lost between servers, sticky sessions, a shared store."""

from __future__ import annotations

import threading

import pytest
from helpers import page_text

from desktop.classroom.walkthrough import NOT_LOGGED_IN, WELCOME
from desktop.lab.balanced_lab import BalancedLab
from desktop.lab.embedded_lab import Lab
from server.balancer import SERVER_HEADER, STICKY_COOKIE

STEP_TIMEOUT_MS = 20_000


@pytest.fixture
def panel(window):
    return window.walkthrough_panel


def step(qtbot, panel, times: int = 1) -> None:
    for _ in range(times):
        wanted = panel.index + 1
        panel.next_button.click()
        qtbot.waitUntil(lambda wanted=wanted: panel.index == wanted, timeout=STEP_TIMEOUT_MS)


def answered(window) -> list[str | None]:
    """Which lab server answered each timeline row (None: not behind the balancer)."""
    return [
        dict((k.lower(), v) for k, v in entry.exchange.response_headers).get(SERVER_HEADER.lower())
        for entry in window.inspectors.traffic_model.entries()
    ]


def lanes(window) -> list[str]:
    return [lane.title for lane in window.inspectors.timeline_views.diagram.layout_model.lanes]


def test_the_load_balancer_walkthrough(qtbot, window, panel):
    port = window.lab.server.port
    panel.start("load_balancer")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    step(qtbot, panel)
    lab = window.lab
    assert isinstance(lab, BalancedLab) and lab.front.port == port
    assert window.status.url.text().startswith("Load balancer: http://127.0.0.1:")
    step(qtbot, panel, 2)
    assert answered(window) == ["A", "B"]
    assert lanes(window) == [
        "Browser 1",
        "Browser 2",
        "Load balancer",
        "Server A",
        "Server B",
        "Session store",
    ]
    # The login: the POST lands on A (the form's server), the redirect on B.
    step(qtbot, panel)
    assert answered(window)[2:] == ["A", "B"]
    assert NOT_LOGGED_IN in page_text(window)
    assert "round robin" in window.inspectors.traffic_model.entries()[-1].sentence
    # Sticky: a second cookie in the jar, and alice is welcome on her server.
    step(qtbot, panel)
    pinned = window.browsers[0].cookie(STICKY_COOKIE)
    assert pinned in ("A", "B")
    assert WELCOME.format("alice") in page_text(window)
    assert set(answered(window)[4:]) == {pinned}
    assert {row.name for row in window.browsers[0].jar} == {"sessionid", STICKY_COOKIE}
    assert f"{STICKY_COOKIE}={pinned}" in panel.text.toPlainText()
    # Its server restarts: memory gone, logged out though still pinned.
    step(qtbot, panel, 2)
    assert answered(window)[-1] == pinned
    assert NOT_LOGGED_IN in page_text(window)
    assert "lost alice's session" in panel.text.toPlainText()
    # A shared store: both servers welcome alice, also after a restart.
    step(qtbot, panel)
    assert window.lab.state.store_name == "sqlite" and not window.lab.sticky
    step(qtbot, panel)
    assert WELCOME.format("alice") in page_text(window)
    step(qtbot, panel)
    assert WELCOME.format("alice") in page_text(window)
    assert set(answered(window)[-2:]) == {"A", "B"}
    assert panel.done
    # Finish: one server again, on the lab's own address and store, no servers left over.
    panel.forward()
    qtbot.waitUntil(lambda: type(window.lab) is Lab)
    assert window.lab.server.port == port
    assert window.lab.state.store_name == "sqlite"
    assert window.status.url.text() == f"Server: {window.lab.url}"


def test_stopping_half_way_leaves_no_server_behind(qtbot, window, panel):
    before = {t.name for t in threading.enumerate()}
    panel.start("load_balancer")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    step(qtbot, panel, 2)
    balanced = window.lab
    assert isinstance(balanced, BalancedLab)
    panel.stop()
    assert type(window.lab) is Lab
    assert not balanced.front.running and not balanced.server_b.running
    qtbot.waitUntil(lambda: {t.name for t in threading.enumerate()} <= before)


def test_file_reset_returns_to_one_server(qtbot, window):
    port = window.lab.server.port
    window.menus.balancer_menu.sync()
    window.menus.balancer_menu.balanced_action.trigger()
    assert isinstance(window.lab, BalancedLab)
    window.reset_lab()
    qtbot.waitUntil(lambda: not window.lab_reset.pending)
    assert type(window.lab) is Lab and window.lab.server.port == port


def test_closing_the_window_while_balanced_stops_every_server(qtbot, window):
    before = {t.name for t in threading.enumerate()}
    window.menus.balancer_menu.sync()
    window.menus.balancer_menu.balanced_action.trigger()
    balanced = window.lab
    window.browser.secured_button.click()
    qtbot.waitUntil(lambda: not window.current_browser.busy)
    window.close()
    assert not any(s.running for s in (balanced.front, balanced.server, balanced.server_b))
    qtbot.waitUntil(lambda: {t.name for t in threading.enumerate()} <= before)
