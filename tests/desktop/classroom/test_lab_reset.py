"""Reset cancels everything: the walkthrough, the requests in flight, and the store's sessions."""

from __future__ import annotations

import pytest
from helpers import ArrivalsWatch, page_text
from PySide6.QtGui import QAction

from desktop.lab.embedded_lab import Lab
from desktop.window.main_window import MainWindow

DELAY = 0.8  # --delay: every response waits this long


@pytest.fixture
def slow_window(qtbot, tmp_path, settings):
    """A window over a lab started with ``--delay``, its start page loaded."""
    lab = Lab(data_dir=tmp_path / "data", extra_config={"RESPONSE_DELAY": DELAY})
    lab.start()
    window = MainWindow(lab, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Type Anything" in page_text(window), timeout=10_000)
    yield window
    window.close()


def test_reset_in_the_middle_of_a_scenario_with_a_login_in_flight(qtbot, slow_window):
    window = slow_window
    panel = window.walkthrough_panel
    panel.start("tutorial")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=20_000)
    watch = ArrivalsWatch()
    window.lab.app.extensions["session_lab_latency"] = watch
    panel.forward()  # log in as alice: the POST now waits on the slow server
    qtbot.waitUntil(watch.arrived.is_set)  # in flight: on the server, not in a queue
    model, shown = window.inspectors.traffic_model, []
    model.rowsInserted.connect(lambda *_: shown.append(model.entries()[-1].exchange.method))
    window.browser.page_view.textChanged.connect(lambda: shown.append(page_text(window)[:20]))
    window.findChild(QAction, "reset_lab_action").trigger()  # File → Reset the lab

    assert panel.current is None and not panel.busy  # the walkthrough stopped at once
    qtbot.waitUntil(lambda: not window.lab_reset.pending, timeout=10_000)
    qtbot.waitUntil(lambda: not window.current_browser.busy, timeout=10_000)
    # The login that was in flight left nothing: no page, no timeline row, no session.
    assert "Welcome USER" not in page_text(window) and "Type Anything" in page_text(window)
    assert [e.exchange.method for e in window.inspectors.traffic_model.entries()] == ["GET"]
    assert [r.data.get("userid") for r in window.lab.sessions()] == [None]
    assert "alice" not in panel.text.toPlainText()
    # Not even for a moment: what the cancelled login reported was dropped, not shown.
    assert "POST" not in shown and not any("Welcome" in text for text in shown)
    assert panel.index == 0


def test_a_reset_with_nothing_in_flight_is_immediate(qtbot, window):
    window.reset_lab()
    assert not window.lab_reset.pending
    qtbot.waitUntil(lambda: not window.current_browser.busy)
    assert len(window.lab.sessions()) == 1  # the fresh start page's anonymous session
