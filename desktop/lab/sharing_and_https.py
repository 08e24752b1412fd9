"""The lab on more addresses than loopback: shared on the local network, and over https.

Plain Python, no Qt. Both serve the lab's own app, so every session, switch and setting is the
same on each address; a failure to start either leaves the lab on loopback, with a notice.
"""

from __future__ import annotations

import logging

from flask import Flask

from desktop.lab.class_server import ClassServer
from desktop.lab.lab_certificate import LabCertificate, make_certificate
from desktop.lab.lab_https import LabHttps
from desktop.lab.lab_share import ClassRequests, LabShare
from desktop.lab.start_and_stop import STOP_TIMEOUT
from server.runner import EmbeddedServer, ServerStartError

log = logging.getLogger(__name__)


class SharingAndHttps:
    """Shares the lab on a local network address and serves it over https on a second port.

    Mixed into :class:`~desktop.lab.embedded_lab.Lab`, whose ``app``, ``config``, loopback
    ``server``, ``state`` and ``notices`` it uses.
    """

    app: Flask
    config: dict
    server: EmbeddedServer

    def _init_sharing_and_https(
        self,
        share_address: str | None,
        https: bool,
        https_port: int,
        certificate: LabCertificate | None,
    ) -> None:
        #: The local network address the lab is shared on (started with the lab), or None.
        self.share_address = share_address
        self.share: ClassServer | LabShare | None = None
        self.class_requests = ClassRequests(self.app)
        #: Whether the lab serves over https too (started with the lab), its port and CA.
        self.https_wanted = https
        self.https_port = https_port
        self.certificate = certificate
        self.https: LabHttps | None = None

    def _start_https(self) -> None:
        try:
            self.serve_https(True)
        except (OSError, ServerStartError) as error:
            notice = f"The lab could not serve over https ({error}); it serves over http only."
            log.warning(notice)
            self.notices.append(notice)

    @property
    def https_url(self) -> str | None:
        """The lab's https address while it serves one, else None."""
        return self.https.url if self.https is not None and self.https.running else None

    @property
    def ca_file(self) -> str | None:
        """The file holding the lab's CA certificate (what its browsers trust), or None."""
        return str(self.certificate.ca_file) if self.certificate is not None else None

    def serve_https(self, on: bool) -> str | None:
        """Serve over https on a second port too, or stop; return the https URL or None.

        The certificate is made once (a restart keeps it); the port is the one it had
        before when still free, else any free one. Raises
        :class:`~server.runner.ServerStartError` when no port can be listened on, and
        OSError when the CA file cannot be written; the lab then serves http only.
        """
        if on and self.https is not None and self.https.running:
            return self.https.url  # already serving: its connections stay
        if self.https is not None:
            self.https.stop(STOP_TIMEOUT)
            self.https = None
        self.https_wanted = False
        if not on:
            return None
        if self.certificate is None:
            self.certificate = make_certificate(self.state.data_dir)
        https = LabHttps(self.app, self.certificate, self.https_port)
        try:
            https.start()
        except ServerStartError as error:
            if not self.https_port:
                raise
            https = LabHttps(self.app, self.certificate, 0)
            https.start()
            notice = f"Port {self.https_port} was busy ({error}); https took port {https.port}."
            log.warning(notice)
            self.notices.append(notice)
        self.https, self.https_port, self.https_wanted = https, https.port, True
        return https.url

    def _start_sharing(self) -> None:
        try:
            self.share_on(self.share_address)
        except (ValueError, ServerStartError) as error:
            notice = f"The lab could not be shared on {self.share_address} ({error}); "
            notice += "it runs on this computer only."
            log.warning(notice)
            self.notices.append(notice)
            self.share_address = None

    @property
    def share_url(self) -> str | None:
        """The URL students open while the lab is shared, else None."""
        return self.share.url if self.share is not None and self.share.running else None

    def share_on(self, address: str) -> str:
        """Serve the lab on the local network address ``address`` as well; return its URL.

        Raises ValueError for something that is not an IP address, and
        :class:`~server.runner.ServerStartError` when it cannot be listened on.
        """
        port = self.server.port or 0
        if self.state.store_name == "memory":  # in this process's memory: served from here
            share = LabShare(self.app, address, port, on_error=self._share_failed)
        else:  # from a process of its own, so a busy class never stalls the window
            share = ClassServer(self.app, self.config, address, port, on_error=self._share_failed)
        if self.share is not None:
            self.share.end(STOP_TIMEOUT)
        self.share = None
        share.start()
        self.share, self.share_address = share, share.address
        return share.url

    def stop_sharing(self) -> None:
        """Serve on loopback only again."""
        if self.share is not None:
            self.share.end(STOP_TIMEOUT)
        self.share = self.share_address = None

    def _share_failed(self, error: BaseException) -> None:
        # The shared listener's failure is the server's failure, told the same way.
        if self.server.on_error is not None:
            self.server.on_error(error)
