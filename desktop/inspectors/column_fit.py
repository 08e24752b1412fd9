"""Fit an inspector table's columns to the rows on screen, measured from the model's own text.

``QTableView.resizeColumnToContents`` asks the delegate for every visible cell's size, and the
delegate asks a Python model for each role of each cell: with a class's forty sessions in the
store view that is a thousand calls into Python, about 15 ms of the GUI thread, several times a
second. The inspectors' models keep each row's text (:class:`PlainTableModel`), so here a row
costs one call: its text is measured with the font it is drawn in, and one real size per column
(the first row on screen) gives the padding the style and the delegate add. The widths are
those ``resizeColumnToContents`` would give (the tests compare them).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QTableView

from desktop.inspectors.models.plain_table_model import PlainTableModel


def rows_on_screen(view: QTableView) -> range:
    """The rows the view shows now (all of them when it has no height yet)."""
    count = view.model().rowCount()
    if count == 0:
        return range(0)
    first = view.rowAt(0)
    last = view.rowAt(view.viewport().height() - 1)
    if first < 0:
        return range(count)
    return range(first, (count if last < 0 else last + 1))


def content_widths(view: QTableView) -> list[int] | None:
    """Return the width fitting each column to its header and the rows on screen, or None
    when the view's model is not a :class:`PlainTableModel` (Qt measures those)."""
    model = view.model()
    if not isinstance(model, PlainTableModel):
        return None
    header = view.horizontalHeader()
    columns = range(model.columnCount())
    widths = [header.sectionSizeHint(column) for column in columns]
    rows = rows_on_screen(view)
    if not rows:
        return widths
    metrics: dict[str, QFontMetricsF] = {}

    def measure(row: int) -> tuple[QFontMetricsF, tuple[str, ...]]:
        # A row's own font (bold: this browser's session) is resolved against the view's, as
        # the delegate draws it.
        own = model.data(model.index(row, 0), Qt.ItemDataRole.FontRole)
        font = QFont(view.font()) if own is None else QFont(own).resolve(view.font())
        key = font.key()
        if key not in metrics:
            metrics[key] = QFontMetricsF(font)
        return metrics[key], model.row_cells(row)

    font, cells = measure(rows[0])
    pads = [
        view.sizeHintForIndex(model.index(rows[0], column)).width()
        - math.ceil(font.horizontalAdvance(cells[column]))
        for column in columns
    ]
    grid = 1 if view.showGrid() else 0  # as QTableView.sizeHintForColumn counts it
    for row in rows:
        font, cells = measure(row)
        for column in columns:
            needed = math.ceil(font.horizontalAdvance(cells[column])) + pads[column] + grid
            widths[column] = max(widths[column], needed)
    return widths
