"""A background HTTP job: runs one browser action off the GUI thread and reports by signals."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from desktop.browser.exchange import Exchange
from desktop.browser.page_result import ExchangeCallback, NavigationError

log = logging.getLogger(__name__)

Action = Callable[[ExchangeCallback], object]  # a PageResult, or a jar snapshot


class JobSignals(QObject):
    """What a :class:`ClientJob` reports; Qt queues each emission onto the receivers' thread."""

    started = Signal()
    exchange_finished = Signal(object)  # Exchange, once per HTTP hop, as soon as it completes
    result = Signal(object)  # PageResult
    errored = Signal(str)  # a sentence for the user
    finished = Signal()


def describe_error(error: Exception) -> str:
    """Say in words why a request failed."""
    import requests  # already loaded by the request that failed

    if isinstance(error, requests.exceptions.SSLError):
        return tls_failure(error)
    if isinstance(error, requests.ConnectionError):
        return "Could not reach the session server: it is not running or refused the connection."
    if isinstance(error, requests.Timeout):
        return "The session server did not answer in time."
    if isinstance(error, NavigationError):
        return str(error)
    if "TLS CA certificate bundle" in str(error):  # requests checks the file before sending
        return (
            "The lab's browser cannot read the file of the lab's CA it trusts for https "
            "(it was moved or deleted), so it sent nothing. Turn Server → HTTPS off and on "
            "again to make a new one."
        )
    return f"The request failed: {error}"


def tls_failure(error: Exception) -> str:
    """Say why an https connection failed: an untrusted certificate, or no TLS at all."""
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return (
            "The lab's browser refused this https server: its certificate was not issued by "
            "the lab's CA, the only one this browser trusts (a browser says “Your connection "
            "is not private” here). Nothing was sent."
        )
    if "PEM" in text or "X509" in text or "no certificate" in text.lower():
        return (
            "The lab's browser could not load the lab's CA certificate (the file is damaged), "
            "so it cannot check any https server. Turn Server → HTTPS off and on again."
        )
    return (
        "The lab's browser could not set up a TLS connection (this address may not speak "
        f"https at all): {text}"
    )


class ClientJob(QRunnable):
    """Runs ``action`` on a pool thread; never lets an exception escape into Qt."""

    def __init__(self, action: Action) -> None:
        super().__init__()
        self.action = action
        self.signals = JobSignals()
        #: The controller's generation when the job was queued (older ones are ignored).
        self.generation = 0
        #: Whether it sends HTTP (a jar edit does not: it never keeps the buttons off).
        self.is_request = True
        #: Why the server was replaced while this job ran, if it was (GUI thread only).
        self.interrupted_by: str | None = None

    def run(self) -> None:
        """Run the action and emit started, exchange_finished…, result or errored, finished."""
        # Imported here, on the worker, to keep it off the window's start-up.
        from requests import RequestException

        self.signals.started.emit()
        try:
            page = self.action(self._report_exchange)
        except (RequestException, NavigationError, OSError) as error:
            self.signals.errored.emit(describe_error(error))
        except Exception as error:  # a bug: keep the window alive and say so
            log.exception("a browser action failed")
            self.signals.errored.emit(f"Unexpected error: {error!r}")
        else:
            self.signals.result.emit(page)
        finally:
            self.signals.finished.emit()

    def _report_exchange(self, exchange: Exchange) -> None:
        self.signals.exchange_finished.emit(exchange)
