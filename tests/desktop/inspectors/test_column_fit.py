"""The inspectors' columns are fitted from the models' text, to the widths Qt itself would give."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QStandardItemModel
from PySide6.QtWidgets import QTableView

from desktop.inspectors.column_fit import content_widths, rows_on_screen
from desktop.inspectors.panel import InspectorPanel
from server.records import SessionEvent, SessionRecord


def qt_widths(view: QTableView) -> list[int]:
    """What QTableView.resizeColumnToContents makes of each column (it asks every cell); the
    last one stretches, so its measure is taken as that method takes it."""
    widths = []
    last = view.model().columnCount() - 1
    for column in range(last):
        view.resizeColumnToContents(column)
        widths.append(view.columnWidth(column))
    header = view.horizontalHeader().sectionSizeHint(last)
    return [*widths, max(view.sizeHintForColumn(last), header)]


@pytest.fixture
def store_view(qtbot):
    """The store view with sessions of varied text, one of them bold (this browser's)."""
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 1300)
    panel.show()
    for n in range(30):
        data = {"userid": "w" * (n % 7) + f"student{n}", "csrf_token": "t" * (n % 20)}
        record = SessionRecord(f"{n:02d}" + "Xy" * (10 + n % 9), data, 1e9, 1e9 + n, 4e9)
        panel.session_model.apply(SessionEvent("created", record.sid, record))
    panel.session_model.set_current_sid(panel.session_model.records()[3].sid)
    panel.session_model.set_remote_holders({panel.session_model.records()[5].sid: ["Firefox"]})
    qtbot.waitUntil(lambda: rows_on_screen(panel.session_table).stop > 4)
    return panel.session_table


@pytest.mark.parametrize("point_size", [9, 15, 24])  # presenter zoom makes the fonts larger
def test_the_widths_are_those_qt_measures(store_view, point_size):
    font = QFont(store_view.font())
    font.setPointSize(point_size)
    store_view.setFont(font)
    assert content_widths(store_view) == qt_widths(store_view)


def test_only_the_rows_on_screen_count(store_view):
    rows = rows_on_screen(store_view)
    assert 0 < len(rows) < store_view.model().rowCount()
    store_view.scrollToBottom()
    assert rows_on_screen(store_view).stop == store_view.model().rowCount()


def test_another_model_is_left_to_qt(qtbot):
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(QStandardItemModel(3, 2))
    assert content_widths(view) is None
