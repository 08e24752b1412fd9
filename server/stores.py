"""Server-side session stores: the interface, a volatile memory store and an SQLite store."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flask.json.tag import TaggedJSONSerializer

from server.private_files import private_file, tighten_existing
from server.records import SessionRecord, checked_record

log = logging.getLogger(__name__)

_serializer = TaggedJSONSerializer()
# Plain JSON types: Flask's tagged serializer leaves values of exactly these types as they are.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def dump_data(data: dict) -> str:
    """Return session data as the JSON text Flask's tagged serializer writes (sorted keys).

    A session of plain strings and numbers (what the lab's pages store) is written by ``json``
    directly: the same text, without the serializer's per-value tag checks on every write.
    """
    for key, value in data.items():
        # A key starting with a space could read back as one of the serializer's tags.
        if type(key) is not str or key[:1] == " " or type(value) not in _PLAIN:
            return _serializer.dumps(data)
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def load_data(text: str) -> object:
    """Return the session data of JSON text written by :func:`dump_data` (or by hand)."""
    # Every tag of Flask's serializer is a key starting with a space; text where no string
    # starts with one (nor hides it in an escape) has no tag to undo, and ``json`` reads it.
    if '" ' not in text and "\\u" not in text:
        return json.loads(text)
    return _serializer.loads(text)


class StoreUnavailable(RuntimeError):
    """The store cannot be read or written now: a full disk, an I/O error, a damaged file."""


class SessionStore(ABC):
    """Where server-side sessions live, keyed by an opaque session id.

    To add a store (Redis, say), implement the symmetric pair :meth:`load` and :meth:`save`,
    plus :meth:`delete` and :meth:`records`; override the hooks :meth:`rotate`,
    :meth:`purge_expired` and :meth:`close` when the backend can do better than the defaults.

    Failures: a backend that cannot be reached or written raises :class:`StoreUnavailable`
    (the server answers 503 and says so once), never its own error types.

    Concurrency: every method is called from many request threads at once and each call must be
    atomic. ``save(record, create=False)`` only updates a record that still exists, so a request
    that finishes after a concurrent logout never brings the deleted session back.
    """

    #: Shown to users ("SQLite file ...", "memory").
    description = "session store"
    #: Why the store did not answer when it was opened anyway (Redis under gunicorn), else None.
    start_failure: str | None = None

    @abstractmethod
    def load(self, sid: str) -> SessionRecord | None:
        """Return the record stored under ``sid``, or None."""

    @abstractmethod
    def save(self, record: SessionRecord, *, create: bool) -> bool:
        """Insert (``create``) or update the record; return False when an update found no record."""

    @abstractmethod
    def delete(self, sid: str) -> SessionRecord | None:
        """Remove the record and return it, or None when there was none."""

    @abstractmethod
    def records(self) -> list[SessionRecord]:
        """Return a snapshot of every stored record, oldest first."""

    def rotate(self, old_sid: str, record: SessionRecord) -> bool:
        """Replace ``old_sid`` by ``record`` (a new id); return False when ``old_sid`` was gone."""
        existed = self.delete(old_sid) is not None
        self.save(record, create=True)
        return existed

    def purge_expired(self, now: float) -> list[SessionRecord]:
        """Delete and return every record whose expiry time has passed."""
        purged = []
        for record in self.records():
            if record.is_expired(now) and self.delete(record.sid) is not None:
                purged.append(record)
        return purged

    def close(self) -> None:  # noqa: B027 - a hook: most stores hold nothing open
        """Release what the store holds open."""


def _copy(record: SessionRecord) -> SessionRecord:
    # Through the same JSON as the SQLite store: nobody shares a mutable value with the store.
    return record.with_data(load_data(dump_data(record.data)))


class MemoryStore(SessionStore):
    """Sessions in a dict: fast, and gone when the process ends."""

    description = "memory (volatile)"

    def __init__(self) -> None:
        self._records: dict[str, SessionRecord] = {}
        self._lock = threading.Lock()

    def load(self, sid: str) -> SessionRecord | None:
        """Return a copy of the record stored under ``sid``, or None."""
        with self._lock:
            record = self._records.get(sid)
        return _copy(record) if record else None

    def save(self, record: SessionRecord, *, create: bool) -> bool:
        """Insert or update the record (a copy, so callers cannot change it behind our back)."""
        copy = _copy(record)
        with self._lock:
            if not create and record.sid not in self._records:
                return False
            self._records[record.sid] = copy
            return True

    def delete(self, sid: str) -> SessionRecord | None:
        """Remove the record and return it, or None."""
        with self._lock:
            return self._records.pop(sid, None)

    def records(self) -> list[SessionRecord]:
        """Return every record, oldest first."""
        with self._lock:
            records = sorted(self._records.values(), key=lambda r: r.created)
        return [_copy(record) for record in records]

    def purge_expired(self, now: float) -> list[SessionRecord]:
        """Delete and return every expired record, in one pass under the lock."""
        with self._lock:
            expired = [r for r in self._records.values() if r.is_expired(now)]
            for record in expired:
                del self._records[record.sid]
        return expired


_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # what _to_text writes; isoformat is faster than strftime
_EPOCH = datetime(1970, 1, 1)  # naive UTC, as the stored times are

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id        TEXT PRIMARY KEY,  -- the opaque id the browser holds in its cookie
    data      TEXT NOT NULL,     -- the session's contents, as JSON
    created   TEXT NOT NULL,     -- UTC
    last_seen TEXT NOT NULL,     -- UTC, refreshed on every request that uses the session
    expires   TEXT NOT NULL      -- UTC, the earlier of idle and absolute expiry
);
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);
"""


def _to_text(epoch: float) -> str:
    # The same text as strftime(_TIME_FORMAT): microseconds always written, so that the text
    # order is the time order (the purge compares expiry times as text).
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _from_text(text: str) -> float:
    # fromisoformat reads what _to_text writes, several times faster than strptime; the
    # subtraction is what an aware datetime's timestamp() computes, without its time zone work.
    # A hand-written offset is ignored, as it always was: every stored time is UTC.
    return (datetime.fromisoformat(text).replace(tzinfo=None) - _EPOCH).total_seconds()


def record_from_row(row: tuple, path: Path) -> SessionRecord | None:
    """Return the record a ``(id, data, created, last_seen, expires)`` row holds, or None.

    Students may edit the file by hand: a row that cannot be read is logged and skipped.
    """
    sid, data, created, last_seen, expires = row
    try:
        return checked_record(
            sid, load_data(data), _from_text(created), _from_text(last_seen),
            _from_text(expires),
        )  # fmt: skip
    except (TypeError, ValueError) as error:
        log.warning("skipping unreadable session row %r in %s: %s", sid, path, error)
        return None


_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
PURGE_BATCH = 500  # rows deleted per statement: the lock is free between batches
# A pause between batches: reading the deleted rows holds the GIL, and requests need it too.
PURGE_PAUSE = 0.02
_PROBE_ID = "-write-probe-"
# Rows written between two checkpoints. A row written is a few pages of the WAL, so this is about
# SQLite's own threshold (1,000 pages); a purge batch is always followed by one.
CHECKPOINT_ROWS = 250


class CorruptDatabaseError(Exception):
    """The session database could not be read; the file was moved aside to ``moved_to``."""

    def __init__(self, path: Path, moved_to: Path) -> None:
        super().__init__(f"{path} was not a readable session database; moved it to {moved_to}")
        self.path = path
        self.moved_to = moved_to


class _DamagedDatabase(sqlite3.DatabaseError):
    """``PRAGMA quick_check`` found damage that opening the file did not."""


class SqliteStore(SessionStore):
    """Sessions in an SQLite file that students can open: one row per session, data as JSON.

    Several processes may share the file (SQLite locks it); within a process one connection is
    shared under a lock, since every statement is short. The file and its ``-wal`` and ``-shm``
    companions are readable by their owner only. At start-up the file is checked (``PRAGMA
    quick_check``) and written to once: a damaged file is moved aside and a fresh one started; a
    file that cannot be written raises OSError, so the app can fall back to another store.
    While serving, a failing disk raises :class:`StoreUnavailable`.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.description = f"SQLite file {self.path}"
        #: Set when a corrupt file was found and moved aside at start-up.
        self.recovered_from: CorruptDatabaseError | None = None
        self._lock = threading.Lock()
        self._rows_since_checkpoint = 0
        self._checkpointer: threading.Thread | None = None
        self._closed = False
        # Created private before SQLite opens it: SQLite gives -wal and -shm the same mode.
        self.notices = private_file(self.path) + tighten_existing(*self._companions())
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as error:
            # Only a damaged file is moved aside; a locked, read-only or unopenable one is not
            # ours to move, so it is reported like any other unusable data directory.
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if not isinstance(error, _DamagedDatabase) and code not in _DAMAGED:
                raise OSError(f"cannot open {self.path}: {error}") from error
            moved_to = self.path.with_name(f"{self.path.name}.corrupt-{time.time_ns()}")
            # The WAL may hold the last committed rows: it goes aside with the file (it must not
            # replay into the fresh one).
            for companion in self._companions():
                if companion.exists():
                    companion.replace(moved_to.with_name(moved_to.name + companion.name[-4:]))
            self.path.replace(moved_to)
            self.recovered_from = CorruptDatabaseError(self.path, moved_to)
            private_file(self.path)
            self._conn = self._open()

    def _companions(self) -> tuple[Path, Path]:
        return self.path.with_name(self.path.name + "-wal"), self.path.with_name(
            self.path.name + "-shm"
        )

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=5.0, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL loses no committed data on a crash of the process, only on a
            # power loss the last commits; it saves an fsync on every write.
            conn.execute("PRAGMA synchronous=NORMAL")
            # SQLite's automatic checkpoint runs inside whichever commit crosses its threshold:
            # under our lock, copying the WAL into the file and syncing it (100 ms and more), so
            # every request waits. The store checkpoints beside the lock instead (_wrote).
            conn.execute("PRAGMA wal_autocheckpoint=0")
            conn.executescript(_SCHEMA)
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise _DamagedDatabase("PRAGMA quick_check found damage")
            self._probe_write(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    @staticmethod
    def _probe_write(conn: sqlite3.Connection) -> None:
        # A read-only file or a full disk must show now, not at the first student's login.
        stamp = _to_text(time.time())
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "INSERT OR REPLACE INTO sessions VALUES (?, '{}', ?, ?, ?)",
                (_PROBE_ID, stamp, stamp, stamp),
            )
            conn.execute("DELETE FROM sessions WHERE id = ?", (_PROBE_ID,))
            conn.execute("COMMIT")
        except sqlite3.DatabaseError:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _using(self, doing: str) -> Iterator[sqlite3.Connection]:
        # One statement at a time on the shared connection; a failing disk becomes one error type.
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as error:
                raise StoreUnavailable(f"cannot {doing} {self.path}: {error}") from error
            if doing == "write":
                self._wrote(1)

    def _wrote(self, rows: int) -> None:
        # Called under the lock: starts a checkpoint once enough rows were written, unless one
        # is still running (the next one then catches up).
        self._rows_since_checkpoint += rows
        if self._rows_since_checkpoint < CHECKPOINT_ROWS:
            return
        if self._checkpointer is not None and self._checkpointer.is_alive():
            return
        self._rows_since_checkpoint = 0
        self._checkpointer = threading.Thread(
            target=self._checkpoint, name="session-store-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def _checkpoint(self) -> None:
        # On a connection of its own, outside the lock: a passive checkpoint waits for no reader
        # or writer, so requests go on reading and writing the WAL while it copies and syncs.
        try:
            conn = sqlite3.connect(self.path, timeout=5.0)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as error:
            # The WAL only grows until the next checkpoint; failing writes report themselves.
            log.warning("could not checkpoint %s: %s", self.path, error)

    def _row_to_record(self, row: tuple) -> SessionRecord | None:
        return record_from_row(row, self.path)

    def load(self, sid: str) -> SessionRecord | None:
        """Return the record stored under ``sid``, or None."""
        with self._using("read") as conn:
            row = conn.execute(
                "SELECT id, data, created, last_seen, expires FROM sessions WHERE id = ?", (sid,)
            ).fetchone()
        return self._row_to_record(row) if row else None

    def save(self, record: SessionRecord, *, create: bool) -> bool:
        """Insert or update one row; an update of a deleted row changes nothing."""
        values = (
            dump_data(record.data),
            _to_text(record.created),
            _to_text(record.last_seen),
            _to_text(record.expires),
            record.sid,
        )
        with self._using("write") as conn:
            if create:
                conn.execute(
                    "INSERT OR REPLACE INTO sessions (data, created, last_seen, expires, id)"
                    " VALUES (?, ?, ?, ?, ?)",
                    values,
                )
                return True
            cursor = conn.execute(
                "UPDATE sessions SET data = ?, created = ?, last_seen = ?, expires = ?"
                " WHERE id = ?",
                values,
            )
            return cursor.rowcount == 1

    def delete(self, sid: str) -> SessionRecord | None:
        """Remove the row and return it, or None."""
        with self._using("write") as conn:
            row = conn.execute(
                "DELETE FROM sessions WHERE id = ? RETURNING id, data, created, last_seen, expires",
                (sid,),
            ).fetchone()
        if row is None:
            return None
        return self._row_to_record(row) or SessionRecord(sid=row[0])

    def rotate(self, old_sid: str, record: SessionRecord) -> bool:
        """Give the row ``old_sid`` the new id and contents in one statement.

        One UPDATE is atomic, so a failed write keeps the old session, and it is cheaper than a
        delete and an insert in a transaction. When ``old_sid`` is gone (a concurrent logout, an
        expiry) the new record is inserted instead.
        """
        values = (
            record.sid,
            dump_data(record.data),
            _to_text(record.created),
            _to_text(record.last_seen),
            _to_text(record.expires),
        )
        with self._using("write") as conn:
            existed = conn.execute(
                "UPDATE sessions SET id = ?, data = ?, created = ?, last_seen = ?, expires = ?"
                " WHERE id = ?",
                (*values, old_sid),
            ).rowcount
            if not existed:
                conn.execute("INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?)", values)
        return existed == 1

    def records(self) -> list[SessionRecord]:
        """Return every row, oldest first."""
        with self._using("read") as conn:
            rows = conn.execute(
                "SELECT id, data, created, last_seen, expires FROM sessions ORDER BY created"
            ).fetchall()
        return [record for row in rows if (record := self._row_to_record(row))]

    def purge_expired(self, now: float) -> list[SessionRecord]:
        """Delete every expired row and return them, a batch per statement.

        Each batch holds the lock briefly, so requests run between batches instead of waiting
        for the whole purge (100,000 expired rows would otherwise hold them for seconds).
        """
        purged: list[SessionRecord] = []
        while True:
            with self._using("purge") as conn:
                if self._closed:  # the server stopped during the purge: nothing left to clean
                    return purged
                rows = conn.execute(
                    "DELETE FROM sessions WHERE id IN"
                    " (SELECT id FROM sessions WHERE expires <= ? LIMIT ?)"
                    " RETURNING id, data, created, last_seen, expires",
                    (_to_text(now), PURGE_BATCH),
                ).fetchall()
                self._wrote(len(rows))
            purged.extend(record for row in rows if (record := self._row_to_record(row)))
            if len(rows) < PURGE_BATCH:
                return purged
            time.sleep(PURGE_PAUSE)

    def close(self) -> None:
        """Close the connection (after a checkpoint still running)."""
        checkpointer = self._checkpointer
        if checkpointer is not None:
            checkpointer.join(10)
        with self._lock:
            self._closed = True
            self._conn.close()
