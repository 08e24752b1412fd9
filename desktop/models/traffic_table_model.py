"""The HTTP timeline: one row per exchange, redirects hop by hop."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.exchange import Exchange
from desktop.explain import short_id
from desktop.models.plain_table_model import PlainTableModel
from server.records import SessionEvent

ERROR = QColor("#b00020")


@dataclass(frozen=True)
class TrafficEntry:
    """An exchange, the store events it caused, and the sentence that explains it."""

    exchange: Exchange
    events: Sequence[SessionEvent]
    sentence: str


def _cookies_sent(exchange: Exchange) -> str:
    return "; ".join(f"{k}={short_id(v)}" for k, v in exchange.cookies_sent.items()) or "—"


def _cookies_set(exchange: Exchange) -> str:
    parts = [
        f"{c.name} (delete)" if c.deletes else f"{c.name}={short_id(c.value)}"
        for c in exchange.cookies_set
    ]
    return "; ".join(parts) or "—"


class TrafficTableModel(PlainTableModel):
    """Rows of :class:`TrafficEntry`, oldest first."""

    COLUMNS = ("#", "Method", "Path", "Status", "Cookie sent", "Set-Cookie")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)

    def entries(self) -> list[TrafficEntry]:
        """Return every entry."""
        return list(self._items)

    def entry(self, row: int) -> TrafficEntry:
        """Return the entry shown in ``row``."""
        return self._items[row]

    def append(self, entry: TrafficEntry) -> None:
        """Add an exchange at the bottom."""
        self.beginInsertRows(QModelIndex(), len(self._items), len(self._items))
        self._items.append(entry)
        self.endInsertRows()

    def clear(self) -> None:
        """Forget every exchange."""
        self.beginResetModel()
        self._items.clear()
        self.endResetModel()

    def cells(self, entry: TrafficEntry) -> tuple[str, ...]:
        """Return number, method, path, status and the cookies that crossed."""
        exchange = entry.exchange
        return (
            str(exchange.number),
            exchange.method,
            exchange.path,
            f"{exchange.status} {exchange.reason}",
            _cookies_sent(exchange),
            _cookies_set(exchange),
        )

    def role_data(self, entry: TrafficEntry, row: int, column: int, role: int):
        """Tooltips explain the exchange; errors are shown in red."""
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.sentence
        if role == Qt.ItemDataRole.ForegroundRole and entry.exchange.status >= 400:
            return ERROR
        return None
