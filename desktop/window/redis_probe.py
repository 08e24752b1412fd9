"""Whether a Redis answers, asked off the GUI thread: Server → Session store offers Redis then.

A PING may take the connect and read timeouts, and resolving a host name has no bound at all,
so the window never waits for one: it shows the last answer and asks again in the background.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class RedisProbe(QObject):
    """Asks whether a Redis answers at a URL on a thread of its own; remembers the last answer."""

    answered = Signal(bool)  # whether the Redis at :attr:`url` answered, on the GUI thread

    _probed = Signal(str, bool)  # from the probe's thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url: str | None = None
        #: The last answer for :attr:`url` (False until one came).
        self.reachable = False
        self._asking: str | None = None  # the URL a probe runs for now
        self._probed.connect(self._on_probed)

    def probe(self, url: str) -> None:
        """Ask (again) whether the Redis at ``url`` answers; :attr:`answered` tells."""
        if url != self.url:
            self.url, self.reachable = url, False
        if self._asking == url:
            return  # one probe at a time: it answers soon enough
        self._asking = url
        # A daemon thread, not the pool: a host that never resolves must not hold up quitting.
        threading.Thread(target=self._ask, args=(url,), name="redis-probe", daemon=True).start()

    def _ask(self, url: str) -> None:
        # On the probe's thread: emit only.
        from server.redis_store import reachable  # loads redis-py: only once it is asked

        try:
            answer = reachable(url)
        except Exception as error:  # a URL redis-py chokes on is a Redis that does not answer
            log.warning("could not ask Redis at a URL: %s", error)
            answer = False
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile
            self._probed.emit(url, answer)

    @Slot(str, bool)
    def _on_probed(self, url: str, answer: bool) -> None:
        if self._asking == url:
            self._asking = None
        if url == self.url:
            self.reachable = answer
            self.answered.emit(answer)
