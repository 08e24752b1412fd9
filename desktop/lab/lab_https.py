"""The lab over https too: the same app behind a TLS front on a second loopback port.

A second :class:`~server.runner.EmbeddedServer` over the same app, told its requests come over
https, listens on a loopback port of its own; a :class:`~server.tls_front.TlsFront` ends TLS
in front of it with the lab's own certificate. Cookies name no port, so the http and https
addresses share the browser's cookies: exactly what the Secure attribute is about. Loopback
only, never shared on the network. Plain Python, no Qt.
"""

from __future__ import annotations

from flask import Flask

from desktop.lab.lab_certificate import LabCertificate
from desktop.lab.lab_share import stop_together
from server.runner import EmbeddedServer, ServerLimits
from server.tls_front import TlsFront

#: The lab's browsers and the teacher's own: a few connections each.
HTTPS_LIMITS = ServerLimits(threads=4, connection_limit=200, per_client=200)


class LabHttps:
    """Serves ``app`` over https on ``port`` (0: any free one) with ``certificate``."""

    def __init__(self, app: Flask, certificate: LabCertificate, port: int = 0) -> None:
        self.certificate = certificate
        self.inner = EmbeddedServer(app, url_scheme="https", limits=HTTPS_LIMITS)
        self.front = TlsFront(certificate.context, ("127.0.0.1", 0), port=port)

    @property
    def url(self) -> str:
        """The https URL, e.g. ``https://127.0.0.1:49153``."""
        return self.front.url

    @property
    def port(self) -> int | None:
        """The https port (None before the first start)."""
        return self.front.port

    @property
    def running(self) -> bool:
        """Whether both the front and the server behind it serve."""
        return self.front.running and self.inner.running

    def start(self) -> str:
        """Start the server behind, then the front; return the https URL.

        Raises :class:`~server.runner.ServerStartError` when either cannot listen.
        """
        self.inner.start()
        self.front.target = ("127.0.0.1", self.inner.port)
        try:
            return self.front.start()
        except Exception:
            self.inner.stop(1.0)
            raise

    def stop(self, timeout: float) -> bool:
        """Stop the front and the server behind it side by side, within one ``timeout``."""
        # One after the other, each with its own deadline, they could take twice the timeout:
        # too long for the window's 2 s shutdown.
        return stop_together([lambda: self.front.stop(timeout), lambda: self.inner.stop(timeout)])
