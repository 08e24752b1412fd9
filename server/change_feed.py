"""Session events across processes: how they travel, and feeds that follow a store from outside.

Several server processes (``gunicorn -w 4``) share one store; a watcher in another process
(File → Watch a server…, or any script) opens a :class:`ChangeFeed` on that store, reads a
snapshot, then the changes as they happen, and never writes to it:

- Redis: every server publishes each session event on the channel ``<prefix>events``
  (:mod:`server.redis_feed`); the feed subscribes.
- SQLite: the servers write nothing extra; the feed opens the file read-only and polls
  ``PRAGMA data_version``, re-reading the rows only when another connection committed
  (:mod:`server.sqlite_feed`).

:func:`server.watch_target.open_feed` opens the right one for what a user typed.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod

from flask.json.tag import TaggedJSONSerializer

from server.records import SessionEvent, SessionRecord, checked_record, checked_time

log = logging.getLogger(__name__)

_serializer = TaggedJSONSerializer()

KINDS = ("created", "changed", "rotated", "expired", "deleted")


class WatchError(ValueError):
    """What was given cannot be watched; the message says why, in a sentence for the window."""


class ChangeFeed(ABC):
    """Follows one store from outside its servers: a snapshot, then the changes; read-only.

    Methods block and are meant for one thread (a watcher's own). A store that cannot be read
    now raises :class:`~server.stores.StoreUnavailable`; call :meth:`snapshot` again to resume
    (changes missed meanwhile are in the new snapshot).
    """

    #: What is watched, for the window ("Redis at redis://…", "SQLite file …").
    description = "session store"

    @abstractmethod
    def snapshot(self) -> list[SessionRecord]:
        """(Re)start following the store; return every session in it now, oldest first."""

    @abstractmethod
    def changes(self, timeout: float) -> list[SessionEvent]:
        """Wait up to ``timeout`` seconds for changes; return them (often none), oldest first."""

    def close(self) -> None:  # noqa: B027 - a hook: a feed may hold nothing open
        """Release what the feed holds open."""


def encode(event: SessionEvent, origin: str) -> str:
    """Return ``event`` as the JSON text a server publishes; ``origin`` names the process."""
    record = event.record
    return json.dumps(
        {
            "kind": event.kind,
            "sid": event.sid,
            "old_sid": event.old_sid,
            "at": event.at,
            "origin": origin,
            "record": None
            if record is None
            else {
                "sid": record.sid,
                # Through Flask's tagged JSON, as the stores keep it: bytes, dates survive.
                "data": _serializer.dumps(record.data),
                "created": record.created,
                "last_seen": record.last_seen,
                "expires": record.expires,
            },
        }
    )


def decode(text: str | bytes) -> SessionEvent | None:
    """Return the event ``text`` carries, or None when it is not one (anyone may publish).

    What no server sends (data that is not a mapping, a time of Infinity) is dropped with a line
    in the log: it must never reach a window.
    """
    try:
        message = json.loads(text)
        if message["kind"] not in KINDS:
            raise ValueError(f"unknown kind {message['kind']!r}")
        fields = message["record"]
        record = None
        if fields is not None:
            record = checked_record(
                fields["sid"],
                _serializer.loads(fields["data"]),
                fields["created"],
                fields["last_seen"],
                fields["expires"],
            )
        names = message["sid"], message["old_sid"], message["origin"]
        if not isinstance(names[0], str) or not all(isinstance(n, str | None) for n in names[1:]):
            raise TypeError("the session ids and the origin must be text")
        return SessionEvent(
            message["kind"], names[0], record, old_sid=names[1], at=checked_time(message["at"]),
            origin=names[2],
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as error:
        log.warning("ignoring a message that is not a session event (%s): %.80r", error, text)
        return None
