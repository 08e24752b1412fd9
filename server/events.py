"""Blinker signals the server sends when a session is created, changed, rotated, expired or deleted.

Each signal is sent with the Flask app as sender and a :class:`~server.records.SessionEvent` as the
``event`` keyword. Receivers run on the thread that handled the request, so a GUI must hand the
event over to its own thread (the desktop's bridge re-emits them as Qt signals).
"""

from __future__ import annotations

from blinker import Namespace

from server.records import SessionEvent

_signals = Namespace()

session_created = _signals.signal("session-created")
session_changed = _signals.signal("session-changed")
session_rotated = _signals.signal("session-rotated")
session_expired = _signals.signal("session-expired")
session_deleted = _signals.signal("session-deleted")

ALL_SIGNALS = {
    "created": session_created,
    "changed": session_changed,
    "rotated": session_rotated,
    "expired": session_expired,
    "deleted": session_deleted,
}


def publish(sender: object, event: SessionEvent) -> None:
    """Send ``event`` on the signal named by its kind."""
    ALL_SIGNALS[event.kind].send(sender, event=event)


#: The session store failed (sent once, until it works again), with ``message`` saying why.
store_failed = _signals.signal("store-failed")
#: The session store works again after a failure.
store_recovered = _signals.signal("store-recovered")
