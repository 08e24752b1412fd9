"""Plain records describing a server-side session and the changes that happen to it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class SessionRecord:
    """One row of the session store: an opaque id, its data and its timestamps (epoch seconds)."""

    sid: str
    data: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0
    last_seen: float = 0.0
    expires: float = 0.0

    def is_expired(self, now: float | None = None) -> bool:
        """Tell whether the record's expiry time has passed."""
        return (time.time() if now is None else now) >= self.expires

    def with_data(self, data: dict[str, Any]) -> SessionRecord:
        """Return a copy holding ``data``."""
        return replace(self, data=dict(data))


@dataclass(frozen=True)
class SessionEvent:
    """Something that happened to a session, published for observers such as the desktop app.

    ``kind`` is one of ``created``, ``changed``, ``rotated``, ``expired``, ``deleted``.
    ``old_sid`` is set for ``rotated`` only; ``record`` is the session after the change, or the
    record that was removed for ``expired`` and ``deleted``. ``origin`` names the server process
    (``host:pid``) of an event that came from another process, when its feed knows it.
    """

    kind: str
    sid: str
    record: SessionRecord | None = None
    old_sid: str | None = None
    at: float = field(default_factory=time.time)
    origin: str | None = None


#: Sessions live between 1970 and the last day every clock in the window can show (9999-12-31,
#: less a day for time zones). Infinity, NaN or 1e20 would stop ``time.localtime`` cold.
LAST_TIME = 253_402_214_400.0


def checked_time(value: Any) -> float:
    """Return ``value`` as epoch seconds; raise ``ValueError`` unless between 1970 and 9999."""
    seconds = float(value)
    if not 0.0 <= seconds < LAST_TIME:  # NaN fails this too
        raise ValueError(f"{value!r} is not a time between 1970 and 9999")
    return seconds


def checked_record(
    sid: Any, data: Any, created: Any, last_seen: Any, expires: Any
) -> SessionRecord:
    """Return the record of these fields read from outside (a row, a hash, a message).

    Raises ``TypeError`` or ``ValueError`` for what no server writes: data that is not a mapping
    (``[1]`` in a hand-edited row), a time that is not between 1970 and 9999.
    """
    if not isinstance(data, dict):
        raise TypeError(f"session data must be a JSON object, not {type(data).__name__}")
    return SessionRecord(
        str(sid), data, checked_time(created), checked_time(last_seen), checked_time(expires)
    )


def is_sound(event: SessionEvent) -> bool:
    """Tell whether ``event`` holds only what a server publishes (the window can show it)."""
    record = event.record
    try:
        if record is not None:
            checked_record(record.sid, record.data, record.created, record.last_seen,
                           record.expires)  # fmt: skip
        checked_time(event.at)
    except (TypeError, ValueError):
        return False
    return isinstance(event.sid, str) and all(
        isinstance(name, str | None) for name in (event.old_sid, event.origin)
    )
