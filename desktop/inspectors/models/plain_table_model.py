"""The base of the inspectors' models: a list of plain dataclasses shown as a table."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class PlainTableModel(QAbstractTableModel):
    """Shows ``self._items`` with one column per entry of :attr:`COLUMNS`.

    Subclasses say what a row's cells read (:meth:`cells`) and may answer other roles in
    :meth:`role_data`; they bracket every change of ``_items`` with Qt's begin…/end… calls.

    A view asks for each cell several times (its size, its paint, each role), and a row's
    cells are computed together: they are kept until the model next says anything changed
    (any of its change signals), which it must say anyway for views to show the change.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []
        self._cells: dict[int, tuple[Any, tuple[str, ...]]] = {}  # id(item): (item, cells)
        for signal in (
            self.dataChanged,
            self.headerDataChanged,
            self.layoutChanged,
            self.modelReset,
            self.rowsInserted,
            self.rowsRemoved,
            self.rowsMoved,
        ):
            signal.connect(self._forget_cells)

    def cells(self, item: Any) -> tuple[str, ...]:
        """Return the text of each column for ``item``."""
        raise NotImplementedError

    def _forget_cells(self, *_) -> None:
        self._cells.clear()

    def cells_of(self, item: Any) -> tuple[str, ...]:
        """Return :meth:`cells` of ``item``, computed once until the model next changes."""
        kept = self._cells.get(id(item))
        if kept is not None and kept[0] is item:
            return kept[1]
        cells = self.cells(item)
        self._cells[id(item)] = (item, cells)
        return cells

    def row_cells(self, row: int) -> tuple[str, ...]:
        """Return the text of each column of ``row``."""
        return self.cells_of(self._items[row])

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
            return self.cells_of(item)[index.column()]
        return self.role_data(item, index.row(), index.column(), role)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None
