"""The live sequence diagram: the timeline drawn as lanes and arrows, beside its table.

It shares the table's selection model, so a click on an arrow selects the row (and the detail
pane follows) and a row selected anywhere selects its arrows. Only the hops on screen are
drawn: a repaint costs the same with 5 hops or 5,000.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, Slot
from PySide6.QtGui import QFontMetricsF, QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip

from desktop.inspectors.models.traffic_table_model import TrafficTableModel
from desktop.inspectors.sequence_layout import SequenceLayout
from desktop.inspectors.sequence_painter import paint_diagram
from desktop.ui.widget_names import name_widget

#: A lane is at least this many characters wide (more when the view has room).
LANE_CHARS = 22


class SequenceDiagram(QAbstractScrollArea):
    """Draws a :class:`SequenceLayout` of the timeline model, live, in the theme's colours."""

    def __init__(self, model: TrafficTableModel, selection: QItemSelectionModel, parent=None):
        super().__init__(parent)
        name_widget(self, "sequence_diagram", "Sequence diagram")
        self.setAccessibleDescription(
            "The timeline as lanes: browsers, server and session store; one arrow per exchange"
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.model, self.selection = model, selection
        self.layout_model = SequenceLayout()
        #: Rows a walkthrough step is about (drawn with a lighter band than the selection).
        self.emphasised: range = range(0)
        model.rowsInserted.connect(self._on_rows_inserted)
        model.modelReset.connect(self._rebuild)
        selection.selectionChanged.connect(self._on_selection)
        self._rebuild()

    # Geometry, from the font in effect (presenter zoom changes it).
    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.font())

    @property
    def line_height(self) -> float:
        """The height of one diagram line, in pixels."""
        return self._metrics().height() * 1.9

    @property
    def header_height(self) -> float:
        """The lanes' title band, always on screen."""
        return self._metrics().height() * 2.2

    def _geometry(self) -> tuple[float, float]:
        """The gutter's width and a lane's width."""
        char = self._metrics().averageCharWidth()
        gutter = char * 6
        lanes = len(self.layout_model.lanes)
        room = (self.viewport().width() - gutter) / lanes
        return gutter, max(char * LANE_CHARS, room)

    def lane_x(self, key: str) -> float:
        """The x of a lane's lifeline, in content coordinates."""
        gutter, width = self._geometry()
        return gutter + width * (self.layout_model.lane_index()[key] + 0.5)

    def _content_width(self) -> float:
        gutter, width = self._geometry()
        lanes = gutter + width * len(self.layout_model.lanes)
        # Notes start at a browser's lane (or the other site's), the rightmost being left of
        # the server's; store labels end at the store's lane.
        widest = self._metrics().averageCharWidth() * (self.layout_model.widest + 4)
        order = self.layout_model.lanes
        text = self.lane_x(order[max(0, len(order) - 3)].key) + widest
        return max(lanes, text)

    def _update_scrollbars(self) -> None:
        height = self.layout_model.line_count * self.line_height + self.header_height
        page = self.viewport().height()
        self.verticalScrollBar().setRange(0, max(0, int(height - page + self.line_height)))
        self.verticalScrollBar().setPageStep(page)
        self.verticalScrollBar().setSingleStep(int(self.line_height))
        width = self._content_width()
        self.horizontalScrollBar().setRange(0, max(0, int(width - self.viewport().width())))
        self.horizontalScrollBar().setPageStep(self.viewport().width())

    # Following the model and the selection.
    @Slot()
    def _rebuild(self) -> None:
        self.layout_model.clear()
        self.layout_model.extend(self.model.entries())
        self.emphasised = range(0)
        self._update_scrollbars()
        self.viewport().update()

    @Slot(QModelIndex, int, int)
    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self.layout_model.add(self.model.entry(row))
        self._update_scrollbars()
        if first <= self.selected_row() <= last:  # selected before its hop was laid out
            self.ensure_visible(self.selected_row())
        self.viewport().update()

    def selected_row(self) -> int:
        """The timeline row selected (-1: none)."""
        rows = self.selection.selectedRows()
        return rows[0].row() if rows else -1

    @Slot()
    def _on_selection(self, *_) -> None:
        row = self.selected_row()
        if 0 <= row < len(self.layout_model.hops):
            self.ensure_visible(row)
        self.viewport().update()

    def select_row(self, row: int) -> None:
        """Select timeline ``row`` (in the table too)."""
        if 0 <= row < self.model.rowCount():
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.selection.setCurrentIndex(self.model.index(row, 0), flags)

    def emphasise(self, rows: range) -> None:
        """Mark the rows a walkthrough step is about."""
        self.emphasised = rows
        if rows:
            self.ensure_visible(rows.start)
            self.ensure_visible(rows.stop - 1)
        self.viewport().update()

    def hop_top(self, row: int) -> float:
        """The top of a hop's first line, in content coordinates (below the title band)."""
        return self.header_height + self.layout_model.hops[row].first_line * self.line_height

    def ensure_visible(self, row: int) -> None:
        """Scroll so the hop of ``row`` is on screen."""
        hop = self.layout_model.hops[row]
        top = hop.first_line * self.line_height
        bottom = top + len(hop.lines) * self.line_height
        page = self.viewport().height() - self.header_height
        bar = self.verticalScrollBar()
        if top < bar.value():
            bar.setValue(int(top))
        elif bottom > bar.value() + page:
            bar.setValue(int(min(top, bottom - page)))

    def row_at(self, y: float) -> int:
        """The timeline row drawn at viewport ``y`` (-1: none)."""
        line = (y - self.header_height + self.verticalScrollBar().value()) / self.line_height
        if y < self.header_height or line >= self.layout_model.line_count:
            return -1
        return self.layout_model.hop_at(int(line))

    # Events.
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Select the hop clicked."""
        self.select_row(self.row_at(event.position().y()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up and Down move the selection from hop to hop."""
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()))
        if step is None:
            super().keyPressEvent(event)
            return
        row = self.selected_row()
        self.select_row(max(0, row + step) if row >= 0 else self.model.rowCount() - 1)

    def viewportEvent(self, event: QEvent) -> bool:
        """Tooltips say what the hop under the pointer did (its sentence)."""
        if event.type() == QEvent.Type.ToolTip:
            row = self.row_at(event.position().y() if hasattr(event, "position") else event.y())
            if row >= 0:
                QToolTip.showText(event.globalPos(), self.layout_model.hops[row].sentence, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def focusInEvent(self, event) -> None:
        """Show where the keyboard is (the selected hop is outlined)."""
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event) -> None:
        """The outline goes with the keyboard."""
        super().focusOutEvent(event)
        self.viewport().update()

    def resizeEvent(self, event) -> None:
        """Lanes share the new width; the selected hop stays in view."""
        super().resizeEvent(event)
        self._update_scrollbars()
        if 0 <= self.selected_row() < len(self.layout_model.hops):
            self.ensure_visible(self.selected_row())

    def changeEvent(self, event: QEvent) -> None:
        """Presenter zoom: new line heights and lane widths."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._update_scrollbars()
            self.viewport().update()

    def paintEvent(self, event) -> None:
        """Draw the lifelines, the hops on screen, then the lanes' titles over them."""
        painter = QPainter(self.viewport())
        try:
            paint_diagram(self, painter)
        finally:
            painter.end()
