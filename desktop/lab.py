"""The lab's server side: the Flask app and the embedded server that serves it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from server import close_app, create_app, lab_state, snapshot
from server.latency import interrupt_delays, resume_delays
from server.records import SessionRecord
from server.runner import EmbeddedServer, ServerStartError

log = logging.getLogger(__name__)

STOP_TIMEOUT = 1.0  # the window's whole shutdown must fit in 2 s


class Lab:
    """Builds the session server and runs it on a loopback port (plain Python, no Qt).

    ``port`` 0 takes any free port; a pinned port that is busy is replaced by a free one, with
    a notice, since the lab must always start.
    """

    def __init__(
        self,
        store: str = "sqlite",
        data_dir: Path | None = None,
        port: int = 0,
        extra_config: dict | None = None,
        on_server_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        config = {"SESSION_STORE": store, "DATA_DIR": data_dir, **(extra_config or {})}
        self.app = create_app(config)
        self.server = EmbeddedServer(self.app, port=port, on_error=on_server_error)

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
            return self.server.start()
        except ServerStartError as error:
            pinned = self.server.requested_port
            if pinned == 0:
                raise
            self.server.requested_port = 0
            url = self.server.start()
            notice = f"Port {pinned} was busy ({error}); the server took port {self.server.port}."
            log.warning(notice)
            self.notices.append(notice)
            return url

    def stop(self) -> bool:
        """Stop serving quickly, waking any request that waits out a simulated delay."""
        interrupt_delays(self.app)
        return self.server.stop(STOP_TIMEOUT)

    def restart(self) -> str:
        """Stop and start again, on the same port when it is still free."""
        self.stop()
        return self.start()

    def sessions(self) -> list[SessionRecord]:
        """Return a snapshot of the session store."""
        return snapshot(self.app)

    def close(self) -> None:
        """Stop serving and release the store."""
        self.stop()
        close_app(self.app)
