"""The class view's table: one row per logged-in session, hijacked sessions marked.

The rows are plain :class:`~desktop.inspectors.class_rows.ClassRow` values, copied into Qt's
own items when they change. The view then paints and measures them without calling back into
Python: while a class joins, the lab's server threads keep Python's interpreter lock busy, and
a table that asked Python for every cell's text, colours and size held the window up for
hundreds of milliseconds at each refresh.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from desktop.inspectors.class_rows import ClassRow
from desktop.ui.plain_text import plain_tooltip

HIJACK_BACKGROUND = QColor("#b00020")
HIJACK_TEXT = QColor("#ffffff")


def cells(row: ClassRow) -> tuple[str, ...]:
    """Return the user, the browsers holding the session, its id, last use, the alert."""
    return (row.user, row.held_by, row.session, row.last_seen, row.alert)


class ClassTableModel(QStandardItemModel):
    """Rows of :class:`~desktop.inspectors.class_rows.ClassRow`, held as Qt items."""

    COLUMNS = ("User", "Held by", "Session", "Last seen", "Alert")

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(self.COLUMNS))
        self._rows: list[ClassRow] = []

    def rows(self) -> list[ClassRow]:
        """Return the rows shown."""
        return list(self._rows)

    def set_rows(self, rows: list[ClassRow]) -> None:
        """Show ``rows``; only the cells that changed are touched, so only they repaint."""
        if rows == self._rows:
            return
        self.setRowCount(len(rows))
        for number, row in enumerate(rows):
            if number < len(self._rows) and self._rows[number] == row:
                continue
            for column, text in enumerate(cells(row)):
                self._set_cell(number, column, text, row.hijacked)
        self._rows = list(rows)

    def _set_cell(self, row: int, column: int, text: str, hijacked: bool) -> None:
        item = self.item(row, column)
        if item is None:
            item = QStandardItem()
            item.setEditable(False)
            self.setItem(row, column, item)
        if item.text() != text:
            item.setText(text)
            item.setToolTip(plain_tooltip(text))  # as typed: a student's name is never HTML
        marked = item.data(Qt.ItemDataRole.BackgroundRole) is not None
        if marked == hijacked:
            return
        if hijacked:
            item.setBackground(QBrush(HIJACK_BACKGROUND))
            item.setForeground(QBrush(HIJACK_TEXT))
        else:
            # No colours at all, so the view's palette decides: an empty brush would paint
            # the text black, unreadable in the dark theme once a hijack's row is reused.
            item.setData(None, Qt.ItemDataRole.BackgroundRole)
            item.setData(None, Qt.ItemDataRole.ForegroundRole)
