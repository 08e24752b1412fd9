"""Pairs the server's session events with the exchanges that caused them (plain Python, no Qt)."""

from __future__ import annotations

from desktop.browser.exchange import Exchange
from desktop.inspectors.narration import explain
from desktop.inspectors.timeline_entry import TrafficEntry
from server.records import SessionEvent

MAX_UNCLAIMED_EVENTS = 200


class TimelineRecorder:
    """Turns each finished exchange into a timeline entry with its store events and sentence.

    The server publishes an event before it answers, so the events a request caused are
    already here when its exchange arrives; they are matched by the session ids the exchange
    carried (sent or set), which keeps several browsers' exchanges apart.
    """

    def __init__(self) -> None:
        self._unclaimed: list[SessionEvent] = []

    def clear(self) -> None:
        """Forget events not yet matched (a new lab)."""
        self._unclaimed.clear()

    def add_event(self, event: SessionEvent) -> None:
        """Keep an event until its exchange arrives; expiry purges nobody asked for age out."""
        self._unclaimed.append(event)
        del self._unclaimed[:-MAX_UNCLAIMED_EVENTS]

    def entry_for(
        self,
        browser: str,
        exchange: Exchange,
        *,
        server_side: bool,
        cookie_name: str,
        signature_ok: bool | None = None,
    ) -> TrafficEntry:
        """Return the timeline entry for ``exchange``, claiming the events it caused.

        ``signature_ok`` says, for the signed-cookie store, whether the session cookie sent
        verifies with the server's key (None when unknown or not applicable).
        """
        sids = set(exchange.cookies_sent.values()) | {c.value for c in exchange.cookies_set}
        events = [e for e in self._unclaimed if e.sid in sids or e.old_sid in sids]
        self._unclaimed = [e for e in self._unclaimed if e not in events]
        sentence = explain(
            exchange,
            events,
            server_side=server_side,
            cookie_name=cookie_name,
            signature_ok=signature_ok,
        )
        return TrafficEntry(exchange, tuple(events), sentence, browser)
