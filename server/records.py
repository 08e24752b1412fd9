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
