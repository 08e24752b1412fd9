"""The lab's server side: the Flask app and the embedded server that serves it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from server import close_app, create_app, lab_state, snapshot
from server.records import SessionRecord
from server.runner import EmbeddedServer


class Lab:
    """Builds the session server and runs it on a free loopback port (plain Python, no Qt)."""

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
        """Start serving; return the URL (raises ServerStartError)."""
        return self.server.start()

    def stop(self) -> bool:
        """Stop serving within 2 s."""
        return self.server.stop()

    def sessions(self) -> list[SessionRecord]:
        """Return a snapshot of the session store."""
        return snapshot(self.app)

    def close(self) -> None:
        """Stop serving and release the store."""
        self.stop()
        close_app(self.app)
