"""The client's cookie jar as a table, with the columns of a browser's developer tools."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal, Slot

from desktop.browser.exchange import CookieRow
from desktop.inspectors.models.plain_table_model import PlainTableModel
from desktop.ui.colours import highlight_background

HIGHLIGHT_SECONDS = 1.5


def cookie_cells(row: CookieRow) -> tuple[str, ...]:
    return (
        row.name,
        row.value,
        row.domain,
        row.path,
        row.expires_text,
        str(row.size),
        "✓" if row.http_only else "",
        "✓" if row.secure else "",
        row.same_site,
    )


class CookieTableModel(PlainTableModel):
    """Rows of :class:`CookieRow`; a cell that just changed is highlighted."""

    COLUMNS = (
        "Name",
        "Value",
        "Domain",
        "Path",
        "Expires / Max-Age",
        "Size",
        "HttpOnly",
        "Secure",
        "SameSite",
    )

    VALUE_COLUMN = 1
    #: A user edited a cookie's value in place, as in developer tools: (row, new value).
    value_edited = Signal(object, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._changed: dict[tuple[tuple[str, str, str], int], float] = {}
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._fade)

    def rows(self) -> list[CookieRow]:
        """Return the cookies shown."""
        return list(self._items)

    def set_rows(self, rows: tuple[CookieRow, ...] | list[CookieRow]) -> None:
        """Show a new jar snapshot, highlighting the cells that differ from the last one."""
        rows = list(rows)
        if rows == self._items:
            return
        old = {row.key: cookie_cells(row) for row in self._items}
        until = time.monotonic() + HIGHLIGHT_SECONDS
        for row in rows:
            before = old.get(row.key)
            for column, text in enumerate(cookie_cells(row)):
                if before is None or before[column] != text:
                    self._changed[(row.key, column)] = until
        self.beginResetModel()
        self._items = rows
        self.endResetModel()
        self._schedule_fade()

    def is_highlighted(self, row: int, column: int) -> bool:
        """Tell whether a cell is highlighted as just changed."""
        key = (self._items[row].key, column)
        return self._changed.get(key, 0.0) > time.monotonic()

    @Slot()
    def _fade(self) -> None:
        now = time.monotonic()
        self._changed = {k: t for k, t in self._changed.items() if t > now}
        for column in range(len(self.COLUMNS)):
            self.emit_column_changed(column, [Qt.ItemDataRole.BackgroundRole])
        self._schedule_fade()

    def _schedule_fade(self) -> None:
        # Wake when the next highlight ends, not a whole period later: a coarse timer may fire
        # a little early, and restarting it for a full period kept cells yellow twice as long.
        if self._changed:
            remaining = min(self._changed.values()) - time.monotonic()
            self._timer.start(max(0, math.ceil(remaining * 1000)))

    def cells(self, item: CookieRow) -> tuple[str, ...]:
        """Return the developer-tools columns of one cookie."""
        return cookie_cells(item)

    def role_data(self, item: CookieRow, row: int, column: int, role: int):
        """Tooltips repeat the cell; a cell that just changed is highlighted."""
        if role == Qt.ItemDataRole.EditRole and column == self.VALUE_COLUMN:
            return item.value
        if role == Qt.ItemDataRole.ToolTipRole:
            return cookie_cells(item)[column]
        if role == Qt.ItemDataRole.BackgroundRole and self.is_highlighted(row, column):
            return highlight_background()  # from the palette: readable in any theme
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """The Value column is editable, as in developer tools."""
        flags = super().flags(index)
        if index.isValid() and index.column() == self.VALUE_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Ask for the edited value to be put in the browser's jar; the jar's answer shows it."""
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or index.column() != self.VALUE_COLUMN
            or not isinstance(value, str)
        ):
            return False
        row = self._items[index.row()]
        if value != row.value:
            self.value_edited.emit(row, value)
        return True
