"""Whether the session store works: a failure is logged and announced once, not per request."""

from __future__ import annotations

import logging
import threading

from flask import Flask, abort, request, session

from server.events import store_failed, store_recovered

log = logging.getLogger(__name__)


class StoreHealth:
    """Remembers whether the store's last operation failed, and says so when that changes.

    Called from request threads at once; the announcements (log line and blinker signal,
    sent with the app as sender) happen once per change from working to failing and back.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self.failure: str | None = None
        self._failed_reading = False

    def failed(self, error: Exception, reading: bool = False) -> None:
        """Note a failure (of a read, or of a write); announce it if the store worked until now."""
        with self._lock:
            first = self.failure is None
            self.failure = str(error)
            self._failed_reading = reading if first else self._failed_reading and reading
        if first:
            log.error("the session store fails; answering 503 until it works: %s", error)
            store_failed.send(self.app, message=str(error))

    def worked(self, reading: bool = False) -> None:
        """Note a success; announce the recovery if it proves the failing operation works.

        A read that works says nothing about writes: with a full disk, reads go on working.
        """
        if self.failure is None:  # the common case, without the lock
            return
        with self._lock:
            recovered = self.failure is not None and (not reading or self._failed_reading)
            if recovered:
                self.failure = None
        if recovered:
            log.warning("the session store works again")
            store_recovered.send(self.app)


def refuse_without_store() -> None:
    """Answer 503 when a page that needs the session could not load it (the index does not)."""
    if getattr(session, "unavailable", False) and request.blueprint == "app_sessions":
        abort(503)


def init_app(app: Flask) -> None:
    """Refuse requests whose session the store could not load (before the CSRF check)."""
    app.before_request(refuse_without_store)
