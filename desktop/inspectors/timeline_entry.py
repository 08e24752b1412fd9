"""One row of the timeline as plain data: the exchange, what it did to the store, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.browser.exchange import Exchange
from server.records import SessionEvent


@dataclass(frozen=True)
class TrafficEntry:
    """An exchange, the store events it caused, and the sentence that explains it."""

    exchange: Exchange
    events: Sequence[SessionEvent]
    sentence: str
    browser: str = "Browser 1"
    #: Position in the timeline, counted across all browsers (set when appended).
    number: int = 0
