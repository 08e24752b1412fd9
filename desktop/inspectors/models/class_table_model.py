"""The class view's table: one row per logged-in session, hijacked sessions marked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.inspectors.class_rows import ClassRow
from desktop.inspectors.models.plain_table_model import PlainTableModel
from desktop.ui.plain_text import plain_tooltip

HIJACK_BACKGROUND = QColor("#b00020")
HIJACK_TEXT = QColor("#ffffff")


class ClassTableModel(PlainTableModel):
    """Rows of :class:`~desktop.inspectors.class_rows.ClassRow`."""

    COLUMNS = ("User", "Held by", "Session", "Last seen", "Alert")

    def rows(self) -> list[ClassRow]:
        """Return the rows shown."""
        return list(self._items)

    def set_rows(self, rows: list[ClassRow]) -> None:
        """Show ``rows``; cells that only changed are repainted, not the whole table."""
        if rows == self._items:
            return
        if len(rows) == len(self._items):
            self._items = list(rows)
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(rows) - 1, len(self.COLUMNS) - 1)
            )
            return
        self.beginResetModel()
        self._items = list(rows)
        self.endResetModel()

    def cells(self, row: ClassRow) -> tuple[str, ...]:
        """Return the user, the browsers holding the session, its id, last use, the alert."""
        return (row.user, row.held_by, row.session, row.last_seen, row.alert)

    def role_data(self, row: ClassRow, index: int, column: int, role: int):
        """Hijacked rows in white on red; tooltips show the whole cell as typed."""
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self.cells(row)[column])
        if not row.hijacked:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return HIJACK_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole:
            return HIJACK_TEXT
        return None
