"""The live inspectors: the client's cookie jar, the server's session store, the HTTP timeline."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.inspectors.exchange_report import render_exchange
from desktop.inspectors.models.cookie_table_model import CookieTableModel
from desktop.inspectors.models.session_table_model import SessionTableModel
from desktop.inspectors.models.traffic_table_model import TrafficTableModel
from desktop.ui.widget_names import name_widget

DETAIL_HINT = "<p><i>Select an exchange to see its headers, cookies and what it changed.</i></p>"


def _table(model, object_name: str, accessible: str) -> QTableView:
    view = name_widget(QTableView(), object_name, accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    # Measure only the rows on screen when fitting columns; the timeline grows without end.
    view.horizontalHeader().setResizeContentsPrecision(0)

    def fit_columns() -> None:
        # Fit every column but the last, which stretches; users may still drag them.
        for column in range(model.columnCount() - 1):
            view.resizeColumnToContents(column)

    # Fit the columns to what they hold whenever rows come or go.
    for signal in (model.rowsInserted, model.modelReset):
        signal.connect(fit_columns)
    return view


def _group(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class InspectorPanel(QSplitter):
    """Three inspectors stacked: jar, store, timeline with its detail pane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.cookie_model = CookieTableModel(self)
        self.session_model = SessionTableModel(self)
        self.traffic_model = TrafficTableModel(self)

        self.cookie_table = _table(self.cookie_model, "cookie_table", "Cookie jar")
        self.session_table = _table(self.session_model, "session_table", "Session store")
        self.traffic_table = _table(self.traffic_model, "traffic_table", "HTTP timeline")
        self.traffic_detail = name_widget(QTextBrowser(), "traffic_detail", "Exchange detail")
        self.traffic_detail.setHtml(DETAIL_HINT)
        self.store_note = name_widget(QLabel(), "store_note", "Session store note")
        self.store_note.setWordWrap(True)
        self.cookie_payload = name_widget(QLabel(), "cookie_payload", "Decoded cookie payload")
        self.cookie_payload.setWordWrap(True)
        self.cookie_payload.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cookie_payload.hide()
        self.cookie_table.setToolTip("Double-click a value to edit it, as in developer tools.")

        self.session_model.dataChanged.connect(self._fit_holders)
        self.traffic_table.selectionModel().selectionChanged.connect(self._show_selected)
        self.traffic_model.rowsInserted.connect(self._follow_latest)

        timeline = QSplitter(Qt.Orientation.Vertical)
        timeline.addWidget(self.traffic_table)
        timeline.addWidget(self.traffic_detail)
        timeline.setSizes([160, 260])

        self.jar_box = _group("Cookie jar", self.cookie_table, self.cookie_payload)
        self.addWidget(self.jar_box)
        self.addWidget(_group("Session store (server)", self.store_note, self.session_table))
        self.addWidget(_group("HTTP timeline", timeline))
        self.setSizes([130, 170, 460])

    def show_jar_of(self, browser_name: str) -> None:
        """Title the jar inspector with the browser whose jar it shows."""
        self.jar_box.setTitle(f"Cookie jar ({browser_name})")

    def show_cookie_payload(self, text: str) -> None:
        """Show what a signed cookie says (empty hides it)."""
        self.cookie_payload.setText(text)
        self.cookie_payload.setVisible(bool(text))

    def highlight_session(self, sid: str | None) -> None:
        """Select the store's row for ``sid`` (what a walkthrough step changed)."""
        row = self.session_model.row_of(sid)
        if row >= 0:
            self.session_table.selectRow(row)
        else:
            self.session_table.clearSelection()

    def highlight_cookie(self, name: str) -> None:
        """Select the jar's row for the cookie ``name``."""
        names = [row.name for row in self.cookie_model.rows()]
        if name in names:
            self.cookie_table.selectRow(names.index(name))

    @Slot()
    def _fit_holders(self, top_left=None, bottom_right=None, roles=None) -> None:
        # "Held by" changes as browsers come and go; the countdown column ticks every second.
        if top_left is None or top_left.column() <= 1 <= bottom_right.column():
            self.session_table.resizeColumnToContents(1)

    def reset(self) -> None:
        """Empty the jar and the timeline (a new lab or a new browser)."""
        self.cookie_model.set_rows([])
        self.traffic_model.clear()
        self.traffic_detail.setHtml(DETAIL_HINT)

    @Slot()
    def _follow_latest(self) -> None:
        # The newest exchange is the one a student just caused: select it, show its story.
        self.traffic_table.selectRow(self.traffic_model.rowCount() - 1)

    @Slot(QItemSelection, QItemSelection)
    def _show_selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = self.traffic_table.selectionModel().selectedRows()
        if not rows:
            self.traffic_detail.setHtml(DETAIL_HINT)
            return
        entry = self.traffic_model.entry(rows[0].row())
        self.traffic_detail.setHtml(render_exchange(entry.exchange, entry.events, entry.sentence))
