"""The class view's rows: who is logged in, from which browser, and the hijacks (plain Python)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.inspectors.class_roster import ClassRoster
from desktop.inspectors.narration import short_id
from desktop.inspectors.typed_text import shown_as_typed
from server.records import SessionRecord

USER_KEY = "userid"


@dataclass(frozen=True)
class ClassRow:
    """One logged-in session, as the projector shows it."""

    user: str
    held_by: str
    session: str
    last_seen: str
    alert: str = ""

    @property
    def hijacked(self) -> bool:
        """Whether two browsers use this session at once."""
        return bool(self.alert)


@dataclass(frozen=True)
class ClassCounts:
    """The counts above the table."""

    logged_in: int
    live_sessions: int
    devices: int
    hijacks: int

    def text(self) -> str:
        """E.g. "12 logged in · 31 live sessions · 14 devices · 1 hijack"."""
        hijacks = f"{self.hijacks} hijack{'s' if self.hijacks != 1 else ''}"
        return (
            f"{self.logged_in} logged in · {self.live_sessions} live "
            f"session{'s' if self.live_sessions != 1 else ''} · "
            f"{self.devices} device{'s' if self.devices != 1 else ''} · {hijacks}"
        )


def _users(lab_names: list[str], devices: list[str]) -> list[str]:
    return list(dict.fromkeys([*lab_names, *devices]))


def class_rows(
    records: list[SessionRecord], lab_holders: dict[str, list[str]], roster: ClassRoster
) -> tuple[list[ClassRow], ClassCounts]:
    """Return a row per logged-in session (hijacks first, then by name) and the counts.

    ``lab_holders`` names the lab's own browsers holding each session id.
    """
    held = roster.holders()
    rows = []
    hijacks = 0
    for record in records:
        user = record.data.get(USER_KEY)
        both = _users(lab_holders.get(record.sid, []), roster.senders(record.sid))
        # What matters first, so an elided cell still says it; the names follow.
        alert = ""
        if len(both) > 1:
            alert = f"⚠ HIJACK? {len(both)} browsers at once: {', '.join(both)}"
        hijacks += bool(alert)
        if user is None and not alert:
            continue
        holders = _users(lab_holders.get(record.sid, []), held.get(record.sid, []))
        rows.append(
            ClassRow(
                user="(not logged in)" if user is None else shown_as_typed(str(user)),
                held_by=", ".join(holders) or "—",
                session=short_id(record.sid),
                last_seen=datetime.fromtimestamp(record.last_seen).strftime("%H:%M:%S"),
                alert=alert,
            )
        )
    rows.sort(key=lambda row: (not row.hijacked, row.user.casefold()))
    counts = ClassCounts(
        logged_in=sum(USER_KEY in record.data for record in records),
        live_sessions=len(records),
        devices=len(roster.devices),
        hijacks=hijacks,
    )
    return rows, counts
