"""The lab's embedded server: the Flask app on a loopback port, its settings, switches, restarts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from desktop.lab.lab_certificate import LabCertificate
from desktop.lab.lab_settings import LabSettings
from desktop.lab.lab_share import stop_together
from desktop.lab.sharing_and_https import SharingAndHttps
from desktop.lab.start_and_stop import (
    STOP_TIMEOUT,
    create_app_on_a_store_that_starts,
    start_on_any_port_if_busy,
)
from server import close_app, lab_state, purge_expired, snapshot
from server.latency import interrupt_delays, resume_delays
from server.other_site import LOGIN_BAIT, create_other_site
from server.paths import LOGIN_PATH, LOGOUT_PATH
from server.records import SessionRecord
from server.runner import EmbeddedServer
from server.stores import StoreUnavailable

log = logging.getLogger(__name__)


class Lab(SharingAndHttps, LabSettings):
    """Builds the session server and runs it on a loopback port (plain Python, no Qt).

    ``port`` 0 takes any free port; a pinned port that is busy is replaced by a free one, with
    a notice, since the lab must always start. The weakening switches exist only here, in the
    lab's embedded server, and are all off until a teacher turns one on.
    """

    def __init__(
        self,
        store: str = "sqlite",
        data_dir: Path | None = None,
        port: int = 0,
        extra_config: dict | None = None,
        on_server_error: Callable[[BaseException], None] | None = None,
        switches: frozenset[str] = frozenset(),
        fixes: frozenset[str] = frozenset(),
        share_address: str | None = None,
        https: bool = False,
        https_port: int = 0,
        certificate: LabCertificate | None = None,
    ) -> None:
        self.config = {
            "SESSION_STORE": store,
            "DATA_DIR": data_dir,
            # The store view is live: every request's last_seen is written (and seen).
            "SESSION_REFRESH_INTERVAL": 0,
            **(extra_config or {}),
        }
        self.app = create_app_on_a_store_that_starts(self.config)
        self.server = EmbeddedServer(self.app, port=port, on_error=on_server_error)
        self.other_site: EmbeddedServer | None = None
        self._init_sharing_and_https(share_address, https, https_port, certificate)
        self._init_settings(switches, fixes)

    @property
    def state(self):
        """What the app factory chose: store name, data directory, notices."""
        return lab_state(self.app)

    @property
    def notices(self) -> list[str]:
        """Sentences about start-up problems the lab worked around."""
        return self.state.notices

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self.server.url

    @property
    def more_apps(self) -> tuple:
        """Other apps of this lab whose session events the window follows too (none here)."""
        return ()

    @property
    def address_label(self) -> str:
        """Where the lab answers, as the status line says it (both addresses with https on)."""
        https = self.https_url
        return f"Server: {self.url} and {https}" if https else f"Server: {self.url}"

    @property
    def server_side(self) -> bool:
        """Whether sessions live on the server (not in a signed cookie)."""
        return self.state.store is not None

    @property
    def cookie_name(self) -> str:
        """The name of the session cookie."""
        return self.app.config["SESSION_COOKIE_NAME"]

    def start(self) -> str:
        """Start serving; return the URL. A busy pinned port falls back to a free one."""
        resume_delays(self.app)
        try:
            return start_on_any_port_if_busy(self.server, "the server", self.notices)
        finally:
            if self.server.running and self.share_address:
                self._start_sharing()
            if self.server.running and self.https_wanted:
                self._start_https()

    def stop(self) -> bool:
        """Stop serving quickly, waking any request that waits out a simulated delay."""
        interrupt_delays(self.app)
        if self.other_site is not None:
            self.other_site.stop(STOP_TIMEOUT)
            self.other_site = None
        stops = [lambda: self.server.stop(STOP_TIMEOUT)]
        if self.share is not None:
            stops.append(lambda share=self.share: share.stop(STOP_TIMEOUT))
        if self.https is not None:
            stops.append(lambda https=self.https: https.stop(STOP_TIMEOUT))
            self.https = None  # start() makes a new one while https_wanted
        if len(stops) == 1:
            return self.server.stop(STOP_TIMEOUT)
        # Side by side: a stop with sharing or https on still fits the window's 2 s.
        return stop_together(stops)

    def restart(self) -> str:
        """Stop and start the same app again, on the same port when it is still free."""
        self.stop()
        return self.start()

    def rebuilt(self, store: str | None = None, port: int | None = None) -> Lab:
        """Return a new lab as a restarted process would make it: same files, port, switches.

        Sessions in memory are gone; the SQLite file and the secret key file remain. ``store``
        and ``port`` change those two (a store switch, or any free port after a failure).
        """
        return Lab(
            store=store or self.config["SESSION_STORE"],
            data_dir=self.config["DATA_DIR"],
            port=(self.server.port or 0) if port is None else port,
            extra_config=self.carried_config(),
            switches=frozenset(self.switches),
            fixes=frozenset(self.fixes),
            share_address=self.share_address,
            https=self.https_wanted,
            https_port=self.https_port,
            certificate=self.certificate,
        )

    def carried_config(self) -> dict:
        """Return the configuration a rebuilt lab keeps: all but its store and data directory."""
        return {k: v for k, v in self.config.items() if k not in ("SESSION_STORE", "DATA_DIR")}

    def sessions(self) -> list[SessionRecord]:
        """Return a snapshot of the session store."""
        return snapshot(self.app)

    def purge_expired(self) -> list[SessionRecord]:
        """Delete expired sessions now (their rows leave the store view by events).

        Safe on any thread; a store already closed or locked for too long purges nothing.
        """
        try:
            return purge_expired(self.app)
        except StoreUnavailable as error:
            log.warning("could not purge expired sessions: %s", error)
            return []

    def other_site_url(self, page: str = LOGIN_BAIT) -> str:
        """Start (once) and return the URL of a page on another site (login or logout CSRF)."""
        if self.other_site is None:
            site = EmbeddedServer(create_other_site(self.url + LOGIN_PATH, self.url + LOGOUT_PATH))
            site.start()
            self.other_site = site
        # localhost and 127.0.0.1 are two different sites to a browser.
        return f"http://localhost:{self.other_site.port}{page}"

    def close(self) -> None:
        """Stop serving and release the store."""
        self.stop()
        self.class_requests.close()
        close_app(self.app)
