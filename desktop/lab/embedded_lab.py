"""The lab's server side: the Flask app, the embedded server, and the switches a teacher flips."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from desktop.lab.class_server import ClassServer
from desktop.lab.class_server_process import apply_settings
from desktop.lab.lab_certificate import LabCertificate, make_certificate
from desktop.lab.lab_https import LabHttps
from desktop.lab.lab_share import ClassRequests, LabShare, stop_together
from server import close_app, create_app, lab_state, purge_expired, snapshot
from server.latency import interrupt_delays, resume_delays
from server.other_site import LOGIN_BAIT, create_other_site
from server.paths import LOGIN_PATH, LOGOUT_PATH
from server.records import SessionRecord
from server.runner import EmbeddedServer, ServerStartError
from server.secret_key import replace_secret_key
from server.store_start import StoreStartError
from server.stores import StoreUnavailable

log = logging.getLogger(__name__)

STOP_TIMEOUT = 1.0  # the window's whole shutdown must fit in 2 s
SHORT_LIFETIMES = (20, 60)  # idle, absolute seconds: expiry within a lesson
FALLBACK_STORE = "sqlite"  # the app's default, when the store asked for cannot start
WEAK_KEY = "changeme"  # in the attacker's word list, as such keys always are

#: The switches that weaken the server, and how the window names them while they are on.
WEAKENING = {
    "no_rotation": "session id rotation at login is OFF (session fixation works)",
    "no_csrf": "the CSRF check is OFF (login CSRF works)",
    "weak_key": (
        f"the secret key is the weak word {WEAK_KEY!r} (signed cookies and CSRF tokens can be "
        "forged)"
    ),
}


#: The switches that strengthen the server beyond the tutorial (a challenge's "fix"), and how
#: the window names them while they are on.
FIXES = {
    "post_logout": "logout needs a POST with its CSRF token (no link elsewhere can log out)",
}


def start_on_any_port_if_busy(server: EmbeddedServer, name: str, notices: list[str]) -> str:
    """Start ``server``; if its pinned port is busy, on any free port, and say so in ``notices``.

    ``name`` says in the notice what took the port ("the server", "the balancer"). A server
    asking for any port that still cannot listen raises :class:`ServerStartError`.
    """
    try:
        return server.start()
    except ServerStartError as error:
        pinned = server.requested_port
        if pinned == 0:
            raise
        server.requested_port = 0
        url = server.start()
        notice = f"Port {pinned} was busy ({error}); {name} took port {server.port}."
        log.warning(notice)
        notices.append(notice)
        return url


class Lab:
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
        self.app = self._create_app()
        self.server = EmbeddedServer(self.app, port=port, on_error=on_server_error)
        self.other_site: EmbeddedServer | None = None
        #: The local network address the lab is shared on (started with the lab), or None.
        self.share_address = share_address
        self.share: ClassServer | LabShare | None = None
        self.class_requests = ClassRequests(self.app)
        #: Whether the lab serves over https too (started with the lab), its port and CA.
        self.https_wanted = https
        self.https_port = https_port
        self.certificate = certificate
        self.https: LabHttps | None = None
        self._generated_key = self.app.config["SECRET_KEY"]
        self.switches: set[str] = set()
        for name in switches:
            self.set_switch(name, True)
        self.fixes: set[str] = set()
        for name in fixes:
            self.set_fix(name, True)

    def _create_app(self):
        # A store that cannot start (Redis unreachable) must not stop the lab: the default
        # store takes over, and the yellow bar says so.
        try:
            return create_app(self.config)
        except StoreStartError as error:
            wanted = self.config["SESSION_STORE"]
            self.config["SESSION_STORE"] = FALLBACK_STORE
            app = create_app(self.config)
            notice = (
                f"The {wanted} store could not start ({error}); the lab keeps sessions in the "
                f"{FALLBACK_STORE} store instead. Start it, then choose Server → Session store."
            )
            log.warning(notice)
            lab_state(app).notices.append(notice)
            return app

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

    def _settings_changed(self) -> None:
        # The class's server process keeps its own copy of the app's settings.
        if isinstance(self.share, ClassServer):
            self.share.update()

    def set_config(self, key: str, value) -> None:
        """Change a setting of the running app and of the app a restart builds."""
        self.config[key] = value
        self.app.config[key] = value
        self._settings_changed()

    def _share_failed(self, error: BaseException) -> None:
        # The shared listener's failure is the server's failure, told the same way.
        if self.server.on_error is not None:
            self.server.on_error(error)

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

    def set_lifetimes(self, idle: float, absolute: float) -> None:
        """Change how long sessions live, from now on (the lesson's "short sessions")."""
        lifetimes = {"SESSION_IDLE_LIFETIME": idle, "SESSION_ABSOLUTE_LIFETIME": absolute}
        self.config.update(lifetimes)
        apply_settings(self.app, lifetimes)  # a signed cookie's too, as the factory sets it
        self._settings_changed()

    def set_switch(self, name: str, on: bool) -> None:
        """Turn one of :data:`WEAKENING` on or off."""
        if name not in WEAKENING:
            raise ValueError(f"unknown switch {name!r}")
        if name == "no_rotation":
            self.app.config["SESSION_ROTATE_ON_LOGIN"] = not on
        elif name == "no_csrf":
            self.app.config["WTF_CSRF_ENABLED"] = not on
        elif name == "weak_key":
            self.app.secret_key = WEAK_KEY if on else self._generated_key
        (self.switches.add if on else self.switches.discard)(name)
        self._settings_changed()

    def set_fix(self, name: str, on: bool) -> None:
        """Turn one of :data:`FIXES` on or off."""
        if name not in FIXES:
            raise ValueError(f"unknown fix {name!r}")
        if name == "post_logout":
            self.app.config["LOGOUT_REQUIRES_POST"] = on
        (self.fixes.add if on else self.fixes.discard)(name)
        self._settings_changed()

    def weakened(self) -> list[str]:
        """Say, in words, which weakening switches are on."""
        return [WEAKENING[name] for name in WEAKENING if name in self.switches]

    def rotate_secret_key(self) -> None:
        """Replace the secret key (and its file): every signed cookie stops being accepted."""
        self._generated_key = replace_secret_key(self.state.data_dir)
        if "weak_key" not in self.switches:
            self.app.secret_key = self._generated_key
        self._settings_changed()

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
