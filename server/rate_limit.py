"""A per-client rate limit while the lab is shared: one student's script cannot drown the rest.

A token bucket per client address: ``RATE_LIMIT_BURST`` requests at once, refilled at
``RATE_LIMIT_PER_SECOND``. Past it the client gets a 429 page that says when to try again.
The lab's own browsers on this machine are never limited (see :mod:`server.class_access`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app, g, request
from werkzeug.exceptions import TooManyRequests

from server.class_access import from_the_class
from server.class_requests import REFUSED

_EXTENSION = "session_lab_rate_limit"
DEFAULTS = {"RATE_LIMIT_BURST": 60, "RATE_LIMIT_PER_SECOND": 5.0}
MAX_CLIENTS = 10_000  # buckets kept at most; full ones are forgotten first


class RateLimiter:
    """Token buckets keyed by client; thread-safe (waitress's workers share it)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key: (tokens, at)

    def take(self, key: str, burst: int, per_second: float) -> float:
        """Spend one request of ``key``'s; return 0 if allowed, else seconds until the next."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(burst), now))
            tokens = min(float(burst), tokens + (now - at) * per_second)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget_full(burst, per_second, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / per_second if per_second > 0 else math.inf

    def _forget_full(self, burst: int, per_second: float, now: float) -> None:
        # A bucket that has refilled is the same as no bucket.
        for key, (tokens, at) in list(self._buckets.items()):
            if tokens + (now - at) * per_second >= burst:
                del self._buckets[key]

    def clear(self) -> None:
        """Forget every client (sharing stopped)."""
        with self._lock:
            self._buckets.clear()


def limit_class_requests() -> None:
    """Abort with 429 when a student's device goes over its rate."""
    app = current_app._get_current_object()
    if not from_the_class(app, request):
        return
    wait = app.extensions[_EXTENSION].take(
        request.remote_addr or "?",
        int(app.config["RATE_LIMIT_BURST"]),
        float(app.config["RATE_LIMIT_PER_SECOND"]),
    )
    if wait:
        g.setdefault(REFUSED, "rate")  # the teacher's summary counts it
        seconds = max(1, math.ceil(min(wait, 3600)))
        raise TooManyRequests(
            f"This device sent more requests than the shared lab takes "
            f"({app.config['RATE_LIMIT_PER_SECOND']:g} a second). "
            f"Wait {seconds} s, then reload the page.",
            retry_after=seconds,
        )


def rate_limiter(app: Flask) -> RateLimiter:
    """Return ``app``'s rate limiter."""
    return app.extensions[_EXTENSION]


def init_app(app: Flask) -> None:
    """Limit each student's device while the lab is shared."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions[_EXTENSION] = RateLimiter()
    app.before_request(limit_class_requests)
