"""The base of the inspectors' models: a list of plain dataclasses shown as a table."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class PlainTableModel(QAbstractTableModel):
    """Shows ``self._items`` with one column per entry of :attr:`COLUMNS`.

    Subclasses say what a row's cells read (:meth:`cells`) and may answer other roles in
    :meth:`role_data`; they bracket every change of ``_items`` with Qt's begin…/end… calls.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []

    def cells(self, item: Any) -> tuple[str, ...]:
        """Return the text of each column for ``item``."""
        raise NotImplementedError

    def role_data(self, item: Any, row: int, column: int, role: int) -> Any:
        """Answer a role other than DisplayRole, or None."""
        return None

    def emit_column_changed(self, column: int, roles: list[int]) -> None:
        """Tell views that one column of every row changed."""
        if self._items:
            self.dataChanged.emit(
                self.index(0, column), self.index(len(self._items) - 1, column), roles
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(item)[index.column()]
        return self.role_data(item, index.row(), index.column(), role)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None
