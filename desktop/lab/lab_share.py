"""Share the lab on the local network: the address, its checks, the class's requests.

The loopback server stays as it is; sharing serves the same lab on one local network address
as well (never ``0.0.0.0``: the teacher picks the network), with its own workers and limits, so
a busy room does not slow the teacher's browsers. Stopping it leaves the lab on loopback only.
The class is served from a process of its own (:class:`~desktop.lab.class_server.ClassServer`);
a lab whose sessions live in its memory serves it here, from a second
:class:`~server.runner.EmbeddedServer` over the same app (:class:`LabShare`). Plain Python, no Qt.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections import deque
from collections.abc import Callable

from flask import Flask

from server.class_access import LOOPBACK_NAMES
from server.class_requests import RequestSeen, request_seen
from server.rate_limit import rate_limiter
from server.runner import EmbeddedServer, ServerLimits, ServerStartError, url_host

#: A room of devices: a browser opens about six connections; a script may not hold hundreds.
CLASS_LIMITS = ServerLimits(threads=8, connection_limit=1000, per_client=32)
KEPT_REQUESTS = 5000  # requests waiting for the window at most; older ones are dropped


def host_entry(address: str) -> str:
    """Return ``address`` as a Host header names it (IPv6 in brackets), lower case."""
    return url_host(address).lower()


def check_address(address: str) -> str:
    """Return ``address`` as an IP address string; raise ValueError for a name or a wildcard."""
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        raise ValueError(f"{address!r} is not an IP address of this computer") from None
    if parsed.is_unspecified or parsed.is_multicast:
        raise ValueError(f"{address} is not an address students can open; pick this computer's")
    if url_host(str(parsed)) in LOOPBACK_NAMES:
        # The lab's own browsers use it: the class's requests could not be told from theirs.
        raise ValueError(
            f"{address} is this computer's own loopback address, which no other device can "
            "open; pick this computer's network address"
        )
    return str(parsed)


def local_addresses() -> list[str]:
    """Return this computer's local network addresses, the one with the default route first.

    Connecting a UDP socket sends nothing; it only asks the system which address it would use.
    """
    found: list[str] = []
    for probe in ("192.0.2.1", "10.255.255.255"):
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((probe, 9))
            found.append(s.getsockname()[0])
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    usable = [a for a in found if not ipaddress.ip_address(a).is_loopback]
    return list(dict.fromkeys(usable))


def share_address_for(requested: str | None) -> tuple[str | None, str]:
    """Return the address ``--share [ADDRESS]`` asks for ("auto": the first local one), and a
    notice when there is none."""
    if requested != "auto":
        return requested, ""
    found = local_addresses()
    if found:
        return found[0], ""
    return None, "This computer has no local network address, so the lab is not shared."


def trust_shared_address(app: Flask, address: str) -> bool:
    """Trust ``address`` as a Host and mark ``app`` shared on it; return whether it was added."""
    hosts = app.config["ALLOWED_HOSTS"]
    entry = host_entry(address)
    app.config["SHARED_ADDRESS"] = address
    if entry in hosts:
        return False
    hosts.append(entry)
    return True


def forget_shared_address(app: Flask, address: str, added: bool) -> None:
    """Undo :func:`trust_shared_address` (the Host stays trusted if it was before)."""
    if added:
        with contextlib.suppress(ValueError):
            app.config["ALLOWED_HOSTS"].remove(host_entry(address))
    app.config["SHARED_ADDRESS"] = None


class ClassRequests:
    """Collects the class's requests from the server's threads until the window takes them."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._waiting: deque[RequestSeen] = deque(maxlen=KEPT_REQUESTS)
        request_seen.connect(self._receive, sender=app, weak=False)

    def _receive(self, sender, seen: RequestSeen) -> None:
        self._waiting.append(seen)  # deque appends and pops are thread-safe

    def take(self) -> list[RequestSeen]:
        """Return the requests seen since the last call, oldest first (any thread)."""
        taken = []
        with contextlib.suppress(IndexError):
            while True:
                taken.append(self._waiting.popleft())
        return taken

    def close(self) -> None:
        """Stop collecting."""
        request_seen.disconnect(self._receive, sender=self._app)


class LabShare:
    """Serves ``app`` on ``address`` too, on ``port`` if it is free (else any free port)."""

    def __init__(
        self,
        app: Flask,
        address: str,
        port: int = 0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.app = app
        self.address = check_address(address)
        self.server = EmbeddedServer(
            app, host=self.address, port=port, on_error=on_error, limits=CLASS_LIMITS
        )
        self._added_host = False

    @property
    def url(self) -> str:
        """The URL students open, e.g. ``http://192.168.1.20:49152``."""
        return self.server.url

    @property
    def running(self) -> bool:
        """Whether the shared address is being served."""
        return self.server.running

    def start(self) -> str:
        """Listen on the shared address and trust it as a Host; return the URL.

        Raises :class:`~server.runner.ServerStartError` when the address is not this
        computer's (or cannot be listened on).
        """
        try:
            self.server.start()
        except ServerStartError:
            if self.server.requested_port == 0:
                raise
            self.server.requested_port = 0  # the loopback port is taken there: any port will do
            self.server.start()
        self._added_host = trust_shared_address(self.app, self.address)
        return self.url

    def stop(self, timeout: float) -> bool:
        """Stop listening on the shared address (the app still trusts it until :meth:`end`)."""
        return self.server.stop(timeout)

    def end(self, timeout: float) -> bool:
        """Stop sharing: stop listening, stop trusting the address, forget the rate limits."""
        stopped = self.stop(timeout)
        forget_shared_address(self.app, self.address, self._added_host)
        self._added_host = False
        rate_limiter(self.app).clear()
        return stopped


def stop_together(stops: list[Callable[[], bool]]) -> bool:
    """Run each stop on a thread of its own, all at once; return whether all of them stopped.

    Each stop has its own deadline; running them side by side keeps the whole within one.
    """
    results: list[bool] = []
    threads = [threading.Thread(target=lambda s=s: results.append(s()), daemon=True) for s in stops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return all(results) and len(results) == len(stops)
