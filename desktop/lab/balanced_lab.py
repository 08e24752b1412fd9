"""Two lab servers behind the lab's load balancer: the "Two servers behind a load balancer" lesson.

Server A is the lab's own app (the window follows it as ever); server B is a second app built
from the same configuration, so both sign with the same secret key (one key file) and every
switch applies to both. Each has its own store when the store is ``memory``; with ``sqlite``
(one file) or ``redis`` they share it. In front of them the balancer
(:class:`server.balancer.Balancer`) takes the lab's address. The window follows B's session
events too (:attr:`BalancedLab.more_apps`), so its store view and timeline show both servers.
Plain Python, no Qt.
"""

from __future__ import annotations

from pathlib import Path

from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_share import stop_together
from desktop.lab.start_and_stop import (
    STOP_TIMEOUT,
    create_app_on_a_store_that_starts,
    start_on_any_port_if_busy,
)
from server import close_app, lab_state, purge_expired, snapshot
from server.balancer import Balancer, name_server
from server.latency import interrupt_delays, resume_delays
from server.records import SessionRecord
from server.runner import EmbeddedServer, ServerStartError
from server.session_interface import make_session_interface
from server.stores import MemoryStore

SERVER_NAMES = ("A", "B")


class BalancedLab(Lab):
    """Servers A and B behind a round-robin balancer on ``port``; ``sticky`` pins browsers.

    ``server_ports`` are A's and B's (0: any free port); a restart asks for the same ones.
    """

    def __init__(
        self,
        store: str = "memory",
        data_dir: Path | None = None,
        port: int = 0,
        extra_config: dict | None = None,
        switches: frozenset[str] = frozenset(),
        fixes: frozenset[str] = frozenset(),
        sticky: bool = False,
        server_ports: tuple[int, int] = (0, 0),
        afterwards: dict | None = None,
    ) -> None:
        super().__init__(
            store=store,
            data_dir=data_dir,
            port=server_ports[0],
            extra_config=extra_config,
            switches=switches,
            fixes=fixes,
        )
        self.app.wsgi_app = name_server(self.app.wsgi_app, "A")
        self.app_b = create_app_on_a_store_that_starts(self.config)
        # One configuration for both, as two processes started from the same settings: the
        # secret key, the switches and the cookie settings are the same on A and B.
        self.app_b.config = self.app.config
        self.app_b.wsgi_app = name_server(self.app_b.wsgi_app, "B")
        self.server_b = EmbeddedServer(self.app_b, port=server_ports[1])
        self.balancer = Balancer({"A": "", "B": ""}, sticky=sticky)
        self.front = EmbeddedServer(self.balancer, port=port)
        #: What the one-server lab had on besides (sharing, https), for :meth:`unbalanced`.
        self.afterwards = dict(afterwards or {})

    @property
    def more_apps(self) -> tuple:
        """Server B's app: the window follows its session events as well as A's."""
        return (self.app_b,)

    @property
    def sticky(self) -> bool:
        """Whether the balancer pins each browser to one server with its cookie."""
        return self.balancer.sticky

    @sticky.setter
    def sticky(self, on: bool) -> None:
        self.balancer.sticky = on

    @property
    def shared_store(self) -> bool:
        """Whether A and B keep sessions in one store (not each in its own memory)."""
        return self.state.store_name != "memory"

    @property
    def url(self) -> str:
        """The balancer's base URL: the address browsers use."""
        return self.front.url

    @property
    def address_label(self) -> str:
        """Where the lab answers, for the status line: the balancer and the servers behind it."""
        ports = ", ".join(f"{name} :{server.port}" for name, server in self.named_servers().items())
        return f"Load balancer: {self.url} → servers {ports}"

    def named_servers(self) -> dict[str, EmbeddedServer]:
        """The lab servers by name."""
        return {"A": self.server, "B": self.server_b}

    def start(self) -> str:
        """Start A, B and then the balancer; return the balancer's URL.

        If B or the balancer cannot start, what did start is stopped before the error goes on:
        a lab that failed holds no port, thread or store connection.
        """
        super().start()
        try:
            resume_delays(self.app_b)
            self.server_b.start()
            self.balancer.servers = {n: s.url for n, s in self.named_servers().items()}
            return start_on_any_port_if_busy(self.front, "the balancer", self.notices)
        except Exception:
            self.stop()
            raise

    def share_on(self, address: str) -> str:
        """Sharing is not offered while the lab is behind its balancer."""
        raise ValueError("the lab cannot be shared while it runs behind its load balancer")

    def serve_https(self, on: bool) -> str | None:
        """https is not offered while the lab is behind its balancer (it would bypass it)."""
        if on:
            raise ServerStartError(
                "the lab serves https only as one server, not behind its balancer"
            )
        return super().serve_https(False)

    def stop(self) -> bool:
        """Stop the balancer and both servers side by side, within the window's 2 s."""
        interrupt_delays(self.app_b)
        return stop_together(
            [
                lambda: self.front.stop(STOP_TIMEOUT),
                lambda: Lab.stop(self),
                lambda: self.server_b.stop(STOP_TIMEOUT),
            ]
        )

    def restart_backend(self, name: str) -> None:
        """Restart lab server ``name`` as a new process would: same port, same store file;
        what it held in memory is gone."""
        server = self.named_servers()[name]
        app = server.app if name == "B" else self.app
        server.stop(STOP_TIMEOUT)
        state = lab_state(app)
        if not self.shared_store and state.store is not None:
            state.store.close()
            state.store = MemoryStore()
            app.session_interface = make_session_interface(app, state.store, state.health)
        server.start()

    def stop_backend(self, name: str) -> bool:
        """Stop lab server ``name`` only (the balancer answers for it)."""
        return self.named_servers()[name].stop(STOP_TIMEOUT)

    def start_backend(self, name: str) -> None:
        """Start lab server ``name`` again on its port."""
        self.named_servers()[name].start()

    def sessions(self) -> list[SessionRecord]:
        """Every session of both servers (once, when they share a store)."""
        if self.shared_store:
            return super().sessions()
        return super().sessions() + snapshot(self.app_b)

    def purge_expired(self) -> list[SessionRecord]:
        """Delete expired sessions of both servers now."""
        purged = super().purge_expired()
        if not self.shared_store:
            purged += purge_expired(self.app_b)
        return purged

    def rebuilt(self, store: str | None = None, port: int | None = None) -> Lab:
        """Return the same servers and balancer as new processes would start them."""
        ports = (self.server.port or 0, self.server_b.port or 0) if port is None else (0, 0)
        return BalancedLab(
            store=store or self.config["SESSION_STORE"],
            data_dir=self.config["DATA_DIR"],
            port=(self.front.port or 0) if port is None else port,
            extra_config=self.carried_config(),
            switches=frozenset(self.switches),
            fixes=frozenset(self.fixes),
            sticky=self.sticky,
            server_ports=ports,
            afterwards=self.afterwards,
        )

    def unbalanced(self, store: str | None = None) -> Lab:
        """Return the lab as it was: one server, on the balancer's address."""
        return Lab(
            store=store or self.config["SESSION_STORE"],
            data_dir=self.config["DATA_DIR"],
            port=self.front.port or 0,
            extra_config=self.carried_config(),
            switches=frozenset(self.switches),
            fixes=frozenset(self.fixes),
            **self.afterwards,
        )

    def close(self) -> None:
        """Stop serving and release both stores and the balancer's connections."""
        super().close()
        self.balancer.close()
        close_app(self.app_b)


def behind_balancer(lab: Lab, store: str = "memory", sticky: bool = False) -> BalancedLab:
    """Return ``lab`` rebuilt as two servers behind the balancer, on ``lab``'s address."""
    return BalancedLab(
        store=store,
        data_dir=lab.config["DATA_DIR"],
        port=lab.server.port or 0,
        extra_config=lab.carried_config(),
        switches=frozenset(lab.switches),
        fixes=frozenset(lab.fixes),
        sticky=sticky,
        afterwards={
            "share_address": lab.share_address,
            "https": lab.https_wanted,
            "https_port": lab.https_port,
            "certificate": lab.certificate,
        },
    )
