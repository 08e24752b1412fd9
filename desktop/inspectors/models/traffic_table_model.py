"""The HTTP timeline: one row per exchange, redirects hop by hop."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from PySide6.QtCore import QModelIndex, Qt

from desktop.browser.exchange import Exchange
from desktop.inspectors.models.plain_table_model import PlainTableModel
from desktop.inspectors.narration import short_id
from desktop.inspectors.timeline_entry import TrafficEntry
from desktop.ui.colours import severity_colour
from desktop.ui.plain_text import plain_tooltip


def _where(exchange: Exchange) -> str:
    # The lab's own server goes by its path (over https with the scheme, which is the point);
    # another site shows its host as well.
    parts = urlsplit(exchange.url)
    if parts.hostname == "127.0.0.1":
        return (
            f"https://{parts.netloc}{exchange.path}" if parts.scheme == "https" else exchange.path
        )
    return f"{parts.netloc}{exchange.path}"


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

    COLUMNS = ("#", "Browser", "Method", "Path", "Status", "Cookie sent", "Set-Cookie")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # By number, kept as rows arrive (PlainTableModel's own cache is emptied at each one).
        self._entry_cells: dict[int, tuple[str, ...]] = {}

    def entries(self) -> list[TrafficEntry]:
        """Return every entry."""
        return list(self._items)

    def entry(self, row: int) -> TrafficEntry:
        """Return the entry shown in ``row``."""
        return self._items[row]

    def append(self, entry: TrafficEntry) -> None:
        """Add an exchange at the bottom, numbering it."""
        self.beginInsertRows(QModelIndex(), len(self._items), len(self._items))
        self._items.append(replace(entry, number=len(self._items) + 1))
        self.endInsertRows()

    def extend(self, entries: list[TrafficEntry]) -> None:
        """Add many exchanges at the bottom in one insertion (a saved timeline, a benchmark)."""
        if not entries:
            return
        first = len(self._items)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        for number, entry in enumerate(entries, start=first + 1):
            self._items.append(replace(entry, number=number))
        self.endInsertRows()

    def clear(self) -> None:
        """Forget every exchange."""
        self.beginResetModel()
        self._items.clear()
        self._entry_cells.clear()
        self.endResetModel()

    def cells(self, entry: TrafficEntry) -> tuple[str, ...]:
        """Return number, browser, method, path, status and the cookies that crossed."""
        # Entries never change, and views ask for every cell many times: compute each once.
        cached = self._entry_cells.get(entry.number)
        if cached is None:
            cached = self._entry_cells[entry.number] = self._compute_cells(entry)
        return cached

    def _compute_cells(self, entry: TrafficEntry) -> tuple[str, ...]:
        exchange = entry.exchange
        return (
            str(entry.number),
            entry.browser,
            exchange.method,
            _where(exchange),
            f"{exchange.status} {exchange.reason}",
            _cookies_sent(exchange),
            _cookies_set(exchange),
        )

    def role_data(self, entry: TrafficEntry, row: int, column: int, role: int):
        """Tooltips explain the exchange; errors are shown in red."""
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(entry.sentence)
        if role == Qt.ItemDataRole.ForegroundRole and entry.exchange.status >= 400:
            return severity_colour("error")
        return None
