"""Follow an SQLite session file from another process, read-only, by ``PRAGMA data_version``.

Why polling ``data_version`` rather than a change-log table written by triggers: the servers
write nothing more (a log would make every session write two, and need pruning by someone
allowed to write), any session file can be watched, even one from an older server, and the
watcher needs no write access at all (``mode=ro``). ``data_version`` changes only when another
connection commits; asking costs no read of the table, so an idle server costs the watcher
almost nothing. The price: changes are seen up to :data:`POLL_INTERVAL` late, found by comparing
the rows before and after, so a session created and removed between two polls is never seen.

Rows are compared by SQLite's rowid: the store's rotation is one UPDATE of the row's id, which
keeps the rowid, so a row whose id changed was rotated. (A deleted newest row's rowid can be
given to the next insert; within one poll that shows as a rotation. The rows shown stay right.)
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from server.change_feed import ChangeFeed, WatchError
from server.records import SessionEvent, SessionRecord
from server.stores import StoreUnavailable, record_from_row

POLL_INTERVAL = 0.2  # seconds between two looks at data_version
_COLUMNS = {"id", "data", "created", "last_seen", "expires"}
_ROWS = "SELECT rowid, id, data, created, last_seen, expires FROM sessions"


class SqliteFeed(ChangeFeed):
    """The sessions of an SQLite file, opened read-only.

    Raises :class:`WatchError` at once when the file is missing, is not a session database, or
    is damaged.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.description = f"SQLite file {self.path}"
        self._conn: sqlite3.Connection | None = None
        self._file_id: tuple[int, int] | None = None
        self._version: int | None = None
        self._rows: dict[int, SessionRecord] = {}
        self._connect()

    def _connect(self) -> None:
        self.close()
        try:
            self._file_id = self._identity()
        except FileNotFoundError:
            raise WatchError(f"{self.path} does not exist.") from None
        except (OSError, ValueError) as error:  # ValueError: a name no file can have
            strerror = getattr(error, "strerror", None)
            raise WatchError(f"Cannot open {self.path}: {strerror or error}.") from error
        # mode=ro: SQLite refuses any write through this connection, whatever the app does.
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=2.0, isolation_level=None,
                                   check_same_thread=False)  # fmt: skip
        except sqlite3.Error as error:
            raise WatchError(f"Cannot open {self.path}: {error}.") from error
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
            if not columns >= _COLUMNS:
                raise WatchError(
                    f"{self.path} is an SQLite database but not a Session Lab session database "
                    "(it has no sessions table)."
                )
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise WatchError(f"{self.path} is damaged (SQLite's quick_check found errors).")
        except sqlite3.DatabaseError as error:
            conn.close()
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code == sqlite3.SQLITE_NOTADB:
                raise WatchError(f"{self.path} is not an SQLite database.") from error
            if code == sqlite3.SQLITE_CORRUPT:
                raise WatchError(f"{self.path} is damaged ({error}).") from error
            raise WatchError(f"Cannot read {self.path}: {error}.") from error
        except WatchError:
            conn.close()
            raise
        self._conn = conn

    def _identity(self) -> tuple[int, int]:
        # A server that found its file damaged moves it aside and starts a new one: follow that.
        stat = os.stat(self.path)
        return stat.st_dev, stat.st_ino

    def _read(self) -> dict[int, SessionRecord]:
        try:
            # The version first: a commit landing between the two is seen again at the next poll.
            self._version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            rows = self._conn.execute(_ROWS).fetchall()
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot read {self.path}: {error}") from error
        records = ((row[0], record_from_row(row[1:], self.path)) for row in rows)
        return {rowid: record for rowid, record in records if record}

    def snapshot(self) -> list[SessionRecord]:
        """Open the file again if it was replaced or failed; return every session in it."""
        try:
            if self._conn is None or self._identity() != self._file_id:
                self._connect()
        except (WatchError, OSError) as error:
            self.close()
            raise StoreUnavailable(str(error)) from error
        self._rows = self._read()
        return sorted(self._rows.values(), key=lambda r: r.created)

    def changes(self, timeout: float) -> list[SessionEvent]:
        """Poll until another process committed or ``timeout`` passed; return what changed."""
        if self._conn is None:
            raise StoreUnavailable(f"{self.path} is not open")
        deadline = time.monotonic() + timeout
        while True:
            try:
                replaced = self._identity() != self._file_id
                version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            except (OSError, sqlite3.Error) as error:
                raise StoreUnavailable(f"cannot read {self.path}: {error}") from error
            if replaced:
                raise StoreUnavailable(f"{self.path} was replaced by a new file")
            if version != self._version:
                return self._compare(self._read())
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            time.sleep(min(POLL_INTERVAL, left))

    def _compare(self, rows: dict[int, SessionRecord]) -> list[SessionEvent]:
        before, self._rows = self._rows, rows
        events = []
        now = time.time()
        for rowid, old in before.items():
            if rowid not in rows:
                kind = "expired" if old.is_expired(now) else "deleted"
                events.append(SessionEvent(kind, old.sid, old))
        for rowid, record in rows.items():
            old = before.get(rowid)
            if old is None:
                events.append(SessionEvent("created", record.sid, record))
            elif old.sid != record.sid:
                events.append(SessionEvent("rotated", record.sid, record, old_sid=old.sid))
            elif old != record:
                events.append(SessionEvent("changed", record.sid, record))
        return events

    def close(self) -> None:
        """Close the read-only connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
