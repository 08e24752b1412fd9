"""The server's session store as a table; rows follow the server's events as they arrive."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QFont

from desktop.inspectors.models.plain_table_model import PlainTableModel
from desktop.inspectors.typed_text import shown_as_typed
from desktop.ui.colours import accent_background
from desktop.ui.plain_text import plain_tooltip
from server.records import SessionEvent, SessionRecord


def _clock(epoch: float) -> str:
    # time.strftime, not datetime's: that one imports a module on every call.
    return time.strftime("%H:%M:%S", time.localtime(epoch))


SHORT_VALUE = 12  # longer values (a CSRF token) are cut in the Data column; tooltips show all


def data_text(data: dict) -> str:
    """The session's data as JSON, the user first and long values cut: ``userid`` stays in view."""
    ordered = {key: data[key] for key in sorted(data, key=lambda key: key != "userid")}
    shown = {
        key: f"{value[:6]}…" if isinstance(value, str) and len(value) > SHORT_VALUE else value
        for key, value in ordered.items()
    }
    return shown_as_typed(json.dumps(shown, ensure_ascii=False, default=str))


def expires_in_text(seconds: float) -> str:
    """Say how long until expiry: ``29:59``, ``1:02:03`` or ``expired``."""
    if seconds <= 0:
        return "expired"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class SessionTableModel(PlainTableModel):
    """Rows of :class:`~server.records.SessionRecord`; the row of this client's cookie is marked."""

    COLUMNS = ("Session id", "Held by", "Created", "Last seen", "Expires in", "Data")
    EXPIRES_COLUMN = 4

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.current_sid: str | None = None
        #: Session id to the names of the lab browsers whose jar holds it.
        self.holders: dict[str, list[str]] = {}
        #: Session id to the students' browsers holding it, while the lab is shared.
        self.remote_holders: dict[str, list[str]] = {}
        # The countdown is computed here from each row's expiry; nothing asks the server.
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

    def records(self) -> list[SessionRecord]:
        """Return the sessions shown."""
        return list(self._items)

    def row_of(self, sid: str | None) -> int:
        """Return the row showing ``sid``, or -1."""
        return next((i for i, r in enumerate(self._items) if r.sid == sid), -1)

    def reset(self, records: list[SessionRecord]) -> None:
        """Show a full snapshot of the store."""
        self.beginResetModel()
        self._items = list(records)
        self.endResetModel()

    def apply(self, event: SessionEvent) -> None:
        """Follow one store event: a row appears, changes or vanishes."""
        if event.kind == "rotated":
            self._remove(event.old_sid)
            self._upsert(event.record)
        elif event.kind in ("created", "changed"):
            self._upsert(event.record)
        elif event.kind in ("expired", "deleted"):
            self._remove(event.sid)

    def set_current_sid(self, sid: str | None) -> None:
        """Mark the row whose id is in this client's cookie."""
        if sid == self.current_sid:
            return
        rows = {self.row_of(self.current_sid), self.row_of(sid)} - {-1}
        self.current_sid = sid
        for row in rows:
            self._row_changed(row)

    def set_holders(self, holders: dict[str, list[str]]) -> None:
        """Show which lab browsers hold each session's id in their cookie jar."""
        if holders == self.holders:
            return
        self.holders = holders
        self.emit_column_changed(1, [Qt.ItemDataRole.DisplayRole])

    def set_remote_holders(self, holders: dict[str, list[str]]) -> None:
        """Show which students' browsers hold each session ("Firefox on Android · 10.0.0.5")."""
        if holders == self.remote_holders:
            return
        self.remote_holders = holders
        self.emit_column_changed(1, [Qt.ItemDataRole.DisplayRole])

    def _upsert(self, record: SessionRecord | None) -> None:
        if record is None:
            return
        row = self.row_of(record.sid)
        if row >= 0:
            self._items[row] = record
            # Its id and holders are as they were: only times and data change, which never
            # call for the columns to be fitted again (a busy class changes rows all the time).
            self.dataChanged.emit(
                self.index(row, 2),
                self.index(row, len(self.COLUMNS) - 1),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
            )
            return
        self.beginInsertRows(QModelIndex(), len(self._items), len(self._items))
        self._items.append(record)
        self.endInsertRows()

    def _remove(self, sid: str | None) -> None:
        row = self.row_of(sid)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self.endRemoveRows()

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    @Slot()
    def _tick(self) -> None:
        self.emit_column_changed(self.EXPIRES_COLUMN, [Qt.ItemDataRole.DisplayRole])

    def cells(self, record: SessionRecord) -> tuple[str, ...]:
        """Return id, holders, times, the countdown and the data as JSON."""
        return (
            record.sid,
            ", ".join(self.holders.get(record.sid, []) + self.remote_holders.get(record.sid, [])),
            _clock(record.created),
            _clock(record.last_seen),
            expires_in_text(record.expires - time.time()),
            data_text(record.data),
        )

    def role_data(self, record: SessionRecord, row: int, column: int, role: int):
        """Mark the row of this client's session; tooltips repeat the cell."""
        mine = record.sid == self.current_sid
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.cells_of(record)[column]
            if column == len(self.COLUMNS) - 1:
                text = shown_as_typed(json.dumps(record.data, ensure_ascii=False, default=str))
            text = f"{text}\n(this client's cookie names this session)" if mine else text
            return plain_tooltip(text)  # a student's user name is shown as typed, never as HTML
        if role == Qt.ItemDataRole.BackgroundRole and mine:
            return accent_background()
        if role == Qt.ItemDataRole.FontRole and mine:
            font = QFont()
            font.setBold(True)
            return font
        return None
