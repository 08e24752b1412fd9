"""The diagram in the window: walkthrough steps select their arrows; exports hide secrets."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from helpers import page_text, submit_login
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

SVG = "{http://www.w3.org/2000/svg}"
STEP_TIMEOUT_MS = 20_000


@pytest.fixture
def logged_in(qtbot, window):
    """The window after alice logged in: its session id, as the jar holds it."""
    submit_login(window)
    qtbot.waitUntil(lambda: "Welcome USER: alice" in page_text(window))
    return window.current_browser.cookie(window.lab.cookie_name)


def _selected(window) -> int:
    return window.inspectors.traffic_table.selectionModel().selectedRows()[0].row()


def test_the_diagram_is_a_tab_beside_the_table(window):
    diagram = window.findChild(QWidget, "sequence_diagram")
    assert diagram is window.inspectors.sequence_diagram
    assert diagram.accessibleName() == "Sequence diagram"
    window.inspectors.timeline_views.show_diagram()
    assert diagram.isVisible() and not window.inspectors.traffic_table.isVisible()


def test_walkthrough_steps_select_their_arrows_and_back_selects_them_again(qtbot, window):
    panel = window.walkthrough_panel
    panel.start("tutorial")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    diagram = window.inspectors.sequence_diagram
    for number in (1, 2):
        panel.forward()
        qtbot.waitUntil(lambda n=number: panel.index == n, timeout=STEP_TIMEOUT_MS)
        qtbot.waitUntil(panel.next_button.isEnabled)
    login, secured = panel.notes.rows(0), panel.notes.rows(1)
    assert len(login) >= 2 and secured == range(login.stop, login.stop + 1)
    assert diagram.emphasised == secured and _selected(window) == secured.stop - 1
    panel.back()
    assert diagram.emphasised == login and _selected(window) == login.stop - 1
    assert diagram.selected_row() == login.stop - 1
    lesson = panel.notes.lesson()
    assert [step.title for step in lesson.steps][:2] == [
        "Log in as alice",
        "Open the secured page",
    ]


def test_the_svg_has_the_lanes_and_arrows_and_no_session_id(tmp_path, window, logged_in):
    path = window.menus.exports.export_diagram(tmp_path / "diagram.svg")
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    lanes = [g.get("data-lane") for g in root.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert lanes == ["browser:Browser 1", "server", "store"]
    arrows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "arrow hop"]
    assert len(arrows) == window.inspectors.traffic_model.rowCount()
    assert "POST /app_sessions/login/ → 302" in text
    assert "rotated [session id" in text
    assert logged_in not in text and f"{logged_in[:4]}…" not in text
    shown = window.menus.exports.export_diagram(tmp_path / "open.svg", hide_secrets=False)
    assert f"{logged_in[:4]}…" in shown.read_text(encoding="utf-8")  # as on screen, if asked


def test_the_png_is_the_diagram_drawn(tmp_path, window, logged_in):
    path = window.menus.exports.export_diagram(tmp_path / "diagram.png")
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 600 and image.height() > 300


def test_the_handout_holds_diagram_sentences_and_steps_redacted(qtbot, tmp_path, window):
    panel = window.walkthrough_panel
    panel.start("tutorial")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    panel.forward()
    qtbot.waitUntil(lambda: panel.index == 1, timeout=STEP_TIMEOUT_MS)
    sid = window.current_browser.cookie(window.lab.cookie_name)
    html = window.menus.exports.export_handout(tmp_path / "handout.html").read_text("utf-8")
    assert "<h2>Step 1: Log in as alice</h2>" in html and "<svg" in html
    assert "Login rotated the session id" in html
    assert sid not in html and f"{sid[:4]}…" not in html and "[session id 2]" in html
    assert "<link" not in html and "src=" not in html  # self-contained
    pdf = window.menus.exports.export_handout(tmp_path / "handout.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and sid.encode() not in pdf


def test_the_file_menu_offers_both_exports(window):
    names = [action.objectName() for action in window.menuBar().actions()[0].menu().actions()]
    assert "export_diagram_action" in names and "export_handout_action" in names
