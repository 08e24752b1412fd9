"""The live sequence diagram: in step with the table and the detail, zoom, theme, visible part."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

import desktop.inspectors.sequence_painter as painter_module
from desktop.inspectors.panel import InspectorPanel
from desktop.inspectors.timeline_entry import TrafficEntry
from server.records import SessionEvent

SID = "c" * 43


@pytest.fixture
def panel(qtbot):
    """An inspector panel showing its diagram."""
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 900)
    panel.timeline_views.show_diagram()
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _entries(make_exchange, count: int) -> list[TrafficEntry]:
    exchange = make_exchange(cookie=f"sessionid={SID}")
    created = (SessionEvent("created", SID),)
    return [TrafficEntry(exchange, created, f"hop {n}") for n in range(count)]


def _y_of(diagram, row: int) -> int:
    diagram.ensure_visible(row)
    scrolled = diagram.verticalScrollBar().value()
    return int(diagram.hop_top(row) - scrolled + diagram.line_height / 2)


def test_new_hops_appear_and_the_newest_is_selected_in_both(qtbot, panel, make_exchange):
    diagram = panel.sequence_diagram
    assert diagram.objectName() == "sequence_diagram" and diagram.accessibleName()
    for entry in _entries(make_exchange, 3):
        panel.traffic_model.append(entry)
    assert len(diagram.layout_model.hops) == 3
    # Exchanges that arrive together are followed once, after the last of them.
    qtbot.waitUntil(lambda: diagram.selected_row() == 2)
    assert panel.traffic_table.selectionModel().selectedRows()[0].row() == 2
    qtbot.waitUntil(lambda: "hop 2" in panel.traffic_detail.toPlainText())


def test_a_click_on_an_arrow_selects_the_row_and_the_detail(qtbot, panel, make_exchange):
    diagram = panel.sequence_diagram
    for entry in _entries(make_exchange, 4):
        panel.traffic_model.append(entry)
    qtbot.waitUntil(lambda: diagram.selected_row() == 3)  # the newest is followed first
    qtbot.mouseClick(
        diagram.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(200, _y_of(diagram, 1))
    )
    assert panel.traffic_table.selectionModel().selectedRows()[0].row() == 1
    qtbot.waitUntil(lambda: "hop 1" in panel.traffic_detail.toPlainText())
    panel.traffic_table.selectRow(3)
    assert diagram.selected_row() == 3
    qtbot.keyClick(diagram, Qt.Key.Key_Up)
    assert panel.traffic_table.selectionModel().selectedRows()[0].row() == 2


def test_a_step_marks_its_arrows_and_selects_its_last(qtbot, panel, make_exchange):
    for entry in _entries(make_exchange, 5):
        panel.traffic_model.append(entry)
    panel.highlight_exchanges(range(1, 3))
    assert panel.sequence_diagram.emphasised == range(1, 3)
    assert panel.traffic_table.selectionModel().selectedRows()[0].row() == 2
    panel.traffic_model.clear()
    assert panel.sequence_diagram.emphasised == range(0)
    assert panel.sequence_diagram.layout_model.hops == []


def test_zoom_makes_the_lines_taller(qtbot, panel):
    diagram = panel.sequence_diagram
    before, lines = QFont(QApplication.font()), diagram.line_height
    larger = QFont(before)
    larger.setPointSize(before.pointSize() + 6)
    QApplication.setFont(larger)
    try:
        qtbot.waitUntil(lambda: diagram.line_height > lines)
    finally:
        QApplication.setFont(before)


def test_the_theme_paints_the_background(qtbot, panel, make_exchange):
    before = QPalette(QApplication.palette())
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Base, QColor("#101820"))
    QApplication.setPalette(dark)
    try:
        viewport = panel.sequence_diagram.viewport()

        def corner() -> str:
            image = viewport.grab().toImage()
            return image.pixelColor(image.width() - 3, image.height() - 3).name()

        qtbot.waitUntil(lambda: corner() == "#101820")
    finally:
        QApplication.setPalette(before)


def test_only_the_hops_on_screen_are_painted(qtbot, panel, make_exchange, monkeypatch):
    diagram = panel.sequence_diagram
    panel.traffic_model.extend(_entries(make_exchange, 5000))
    qtbot.waitUntil(lambda: diagram.selected_row() == 4999)
    assert len(diagram.layout_model.hops) == 5000
    painted = []
    real = painter_module._hop
    monkeypatch.setattr(
        painter_module,
        "_hop",
        lambda p, hop, *rest: painted.append(hop.row) or real(p, hop, *rest),
    )
    diagram.viewport().repaint()
    assert painted and max(painted) == 4999
    lines = diagram.viewport().height() / diagram.line_height
    assert len(painted) <= lines  # each hop has two lines: half a screen's worth at most


def test_the_detail_is_laid_out_once_for_rows_passed_quickly(qtbot, panel, make_exchange):
    for entry in _entries(make_exchange, 4):
        panel.traffic_model.append(entry)
    qtbot.waitUntil(lambda: "hop 3" in panel.traffic_detail.toPlainText())
    shown = []
    panel.traffic_detail.setHtml = shown.append  # the panel's own calls come here
    for row in (2, 1, 0):  # Up held down
        panel.traffic_table.selectRow(row)
    qtbot.waitUntil(lambda: len(shown) == 1)
    qtbot.wait(100)
    assert len(shown) == 1 and "hop 0" in shown[0]


def test_a_row_chosen_as_exchanges_arrive_is_not_taken_back(qtbot, panel, make_exchange):
    entries = _entries(make_exchange, 4)
    for entry in entries[:3]:
        panel.traffic_model.append(entry)
    panel.traffic_table.selectRow(0)  # the teacher clicks before the newest is followed
    qtbot.waitUntil(lambda: "hop 0" in panel.traffic_detail.toPlainText())
    qtbot.wait(100)
    assert panel.sequence_diagram.selected_row() == 0
    panel.traffic_model.append(entries[3])  # a new exchange is followed again
    qtbot.waitUntil(lambda: panel.sequence_diagram.selected_row() == 3)


def test_a_cleared_timeline_leaves_no_exchange_in_the_detail(qtbot, panel, make_exchange):
    for entry in _entries(make_exchange, 3):
        panel.traffic_model.append(entry)
    qtbot.waitUntil(lambda: "hop 2" in panel.traffic_detail.toPlainText())
    panel.traffic_model.clear()  # the load-balancer lesson starts afresh, say
    qtbot.waitUntil(lambda: "Select an exchange" in panel.traffic_detail.toPlainText())
    assert "hop 2" not in panel.traffic_detail.toPlainText()
