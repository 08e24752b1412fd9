"""A simulated slow network: every response waits ``RESPONSE_DELAY`` seconds before it is made.

Lets a class see that the desktop stays responsive while the server is slow. The wait can be
cut short with :func:`interrupt_delays`, so a stopping server never keeps a thread asleep.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

_EXTENSION = "session_lab_latency"


def _wait() -> None:
    delay = current_app.config.get("RESPONSE_DELAY") or 0
    if delay > 0:
        current_app.extensions[_EXTENSION].wait(delay)


def interrupt_delays(app: Flask) -> None:
    """Wake every request that is waiting out the delay, and skip the delay from now on."""
    app.extensions[_EXTENSION].set()


def resume_delays(app: Flask) -> None:
    """Apply the delay again (after a restart)."""
    app.extensions[_EXTENSION].clear()


def init_app(app: Flask) -> None:
    """Register the delay before every request."""
    app.extensions[_EXTENSION] = threading.Event()
    app.before_request(_wait)
