"""Serve a WSGI app from a background thread on waitress: the embedded and standalone server.

Waitress is a production WSGI server made for this: it reads requests on one asynchronous loop
and hands only complete ones to a small pool of worker threads, so a client that stalls or
trickles its request holds a socket (bounded, and closed after the read timeout), never a
thread. It runs the same on Linux, macOS and Windows, and its ``Server`` header names no
versions.

``EmbeddedServer.start()`` binds the socket itself (port 0 means a free port, chosen by the
kernel in the same call, so there is no probe-then-bind race), returns once the socket listens,
and raises :class:`ServerStartError` on a busy port instead of exiting. ``stop()`` may be called
from any thread; it closes every connection, joins the loop and the workers, and the server can
be started again on the same URL.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

log = logging.getLogger(__name__)

LATE_WORKER_WAIT = 60.0  # seconds a stopped server waits for a request still in the app


@dataclass(frozen=True)
class ServerLimits:
    """How much a server gives its clients; the defaults suit a classroom on one machine."""

    #: Worker threads running the app: the most requests in the app at once.
    threads: int = 8
    #: Open connections at most; past it the server stops accepting until some close.
    connection_limit: int = 1000
    #: Open connections from one client address at most: one student cannot hold them all.
    per_client: int = 250
    #: Seconds a connection may sit without sending anything before it is closed.
    read_timeout: float = 20.0
    #: Largest request body, bytes (the app's own limit is smaller: it answers 413 first).
    max_body: int = 1 << 20
    #: Largest request head (request line and headers), bytes; a longer one gets a 431.
    max_head: int = 256 * 1024


class ServerStartError(RuntimeError):
    """The server could not listen (the port is taken, say)."""


class ServerSocketLost(RuntimeError):
    """The listening socket was closed while the server was serving."""


def url_host(host: str) -> str:
    """Return ``host`` as a URL or a Host header writes it: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host


def base_url(scheme: str, host: str, port: int | None, what: str) -> str:
    """Return ``scheme://host:port``; raise RuntimeError naming ``what`` before it has a port."""
    if port is None:
        raise RuntimeError(f"{what} has not been started")
    return f"{scheme}://{url_host(host)}:{port}"


def bind_listener(host: str, requested: int, previous: int | None) -> socket.socket:
    """Listen on ``host:requested``; with ``requested`` 0, on ``previous`` again when still free.

    ``requested`` 0 means any free port, but a restart had better keep the one it had, so
    ``previous`` is tried first. Raises :class:`ServerStartError` when nothing can listen.
    """
    candidates = [requested]
    if requested == 0 and previous:
        candidates.insert(0, previous)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    last_error: OSError | None = None
    for port in candidates:
        try:
            return socket.create_server((host, port), family=family)
        except OSError as error:
            last_error = error
    raise ServerStartError(
        f"cannot listen on {host}:{requested}: {last_error.strerror}"
    ) from last_error


class _StopServing(Exception):
    """Raised inside waitress's loop to end it, once :meth:`EmbeddedServer.stop` asks."""


class _WatchedServer(TcpWSGIServer):
    """Waitress's TCP server on a socket we bound, that can be stopped from another thread.

    Only the loop's thread touches the loop's sockets: :meth:`EmbeddedServer.stop` sets
    ``stopping`` and wakes the loop, which ends and then closes them itself.
    """

    stopping = False

    def readable(self) -> bool:
        # Asked once per turn of the loop, so both checks act within one turn.
        if self.stopping:
            raise _StopServing
        # A listening socket closed under us would otherwise make accept() fail quietly
        # forever (its number may even be reused): stop and report.
        if self.socket.fileno() < 0:
            raise ServerSocketLost("the server's listening socket was closed")
        return super().readable()

    per_client = 250

    def handle_accept(self) -> None:
        # Waitress's own, plus a cap per client address: past it the connection is closed
        # at once, so stalled sockets from one client cannot use up the connection limit.
        try:
            accepted = self.accept()
        except OSError:  # the client left before it was accepted
            return
        if accepted is None:
            return
        connection, address = accepted
        held = sum(1 for ch in self.active_channels.values() if ch.addr[0] == address[0])
        if held >= self.per_client:
            connection.close()
            return
        with contextlib.suppress(OSError):  # TCP_NODELAY, as waitress's own: no 40 ms Nagle waits
            self.set_socket_options(connection)
        self.channel_class(self, connection, self.fix_addr(address), self.adj, map=self._map)

    def handle_error(self) -> None:
        # Waitress would log and close the listener (and its wake-up pipe) and serve on, deaf.
        # Any error on the listening socket ends serving instead, and is reported.
        raise ServerSocketLost(f"the server's listening socket failed: {sys.exc_info()[1]}")

    def close(self) -> None:
        """Close the listening socket only (waitress's own close shuts the wake-up pipe too)."""
        wasyncore.dispatcher.close(self)

    def close_connections(self) -> None:
        """Close the listening socket and every connection; keep the wake-up pipe open.

        Workers still running wake the loop through that pipe when they finish: it is closed
        only once they are gone, so none writes to a descriptor number reused meanwhile.
        """
        for channel in list(self._map.values()):
            if channel is self.trigger:
                channel.del_channel()
            else:
                channel.close()
        self._map.clear()


def _close_when_idle(server: _WatchedServer, dispatcher: ThreadedTaskDispatcher) -> None:
    # Waits for the workers left inside the app, then closes the loop's wake-up pipe.
    dispatcher.shutdown(cancel_pending=True, timeout=LATE_WORKER_WAIT)
    if not dispatcher.threads:
        server.trigger.close()


def _descriptors_for(connections: int) -> int:
    """Raise the process's open-file limit towards what ``connections`` need; return what fits.

    Desktops often start programs with a soft limit of 1,024 descriptors: far below the hard
    limit, and below a classroom's worth of connections plus the app's own files.
    """
    try:
        import resource
    except ImportError:  # Windows: no such limit on sockets
        return connections
    spare = 128  # the database, the log, Qt's and Python's own files
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + spare
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new_soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return connections
    return max(16, min(connections, soft - spare))


class _NamedDispatcher(ThreadedTaskDispatcher):
    """Waitress's worker pool, its threads named after the server (tests and logs find them)."""

    def start_new_thread(self, target, thread_no) -> None:
        thread = threading.Thread(
            target=target, name=f"session-server-worker-{thread_no}", args=(thread_no,)
        )
        thread.daemon = True
        thread.start()


class EmbeddedServer:
    """Serves ``app`` on ``host:port`` from a background thread until :meth:`stop`.

    ``on_error`` is called (from the server thread) if serving fails after start-up.
    ``url_scheme`` "https" tells the app its requests arrive over TLS (a front ends it).
    ``listener`` is a socket already listening (bound by another process): the first start
    serves it instead of binding one.
    """

    def __init__(
        self,
        app,
        host: str = "127.0.0.1",
        port: int = 0,
        on_error: Callable[[BaseException], None] | None = None,
        limits: ServerLimits | None = None,
        url_scheme: str = "http",
        listener: socket.socket | None = None,
    ) -> None:
        self.app = app
        self.host = host
        #: What the app is told its requests came over: "https" behind a TLS front.
        self.url_scheme = url_scheme
        self.requested_port = port
        self.on_error = on_error
        self.limits = limits or ServerLimits()
        self.port: int | None = None
        self._server = None
        self._dispatcher: _NamedDispatcher | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._given_listener = listener

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:49152``."""
        return base_url("http", self.host, self.port, "the server")

    @property
    def running(self) -> bool:
        """Whether the serving thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def listening_socket(self) -> socket.socket | None:
        """The socket that accepts connections while serving, else None."""
        server = self._server
        return server.socket if server is not None else None

    def start(self) -> str:
        """Listen and serve in the background; return the URL.

        After a stop, a restart asks for the port it had before, so clients keep their URL;
        if that port is gone it takes a fresh one (unless the port was pinned).
        """
        with self._lock:
            if self.running:
                return self.url
            listener = self._bind()
            limits = self.limits
            dispatcher = _NamedDispatcher()
            dispatcher.set_thread_count(limits.threads)
            adjustments = Adjustments(
                threads=limits.threads,
                connection_limit=_descriptors_for(limits.connection_limit),
                channel_timeout=limits.read_timeout,
                # Idle connections are looked for this often: a stalled client is closed
                # between read_timeout and read_timeout plus this.
                cleanup_interval=max(0.2, min(5.0, limits.read_timeout / 4)),
                max_request_body_size=limits.max_body,
                max_request_header_size=limits.max_head,
                ident="waitress",
                url_scheme=self.url_scheme,
                clear_untrusted_proxy_headers=True,
            )
            try:
                server = _WatchedServer(
                    self.app,
                    _sock=listener,
                    dispatcher=dispatcher,
                    adj=adjustments,
                    bind_socket=False,
                    sockinfo=(listener.family, listener.type, listener.proto, None),
                )
            except Exception:
                dispatcher.shutdown(timeout=1)
                listener.close()
                raise
            server.per_client = limits.per_client
            self._server, self._dispatcher = server, dispatcher
            self._thread = threading.Thread(
                target=self._serve, args=(server,), name="session-server", daemon=True
            )
            self._thread.start()
            return self.url

    def wait(self, timeout: float | None = None) -> bool:
        """Block until serving ends or ``timeout`` passes; return whether it is still running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.running

    def _bind(self) -> socket.socket:
        listener, self._given_listener = self._given_listener, None
        if listener is None:
            listener = bind_listener(self.host, self.requested_port, self.port)
        self.port = listener.getsockname()[1]
        return listener

    def _serve(self, server: _WatchedServer) -> None:
        try:
            server.run()
        except _StopServing:
            pass
        except BaseException as error:  # reported, not raised: nobody joins this thread's stack
            log.exception("the session server stopped with an error")
            if self.on_error is not None:
                self.on_error(error)
        finally:
            server.close_connections()

    def stop(self, timeout: float = 2.0) -> bool:
        """Stop serving and join every thread; return False if one was still busy at ``timeout``.

        A request still running in the app at the deadline is left to finish on its daemon
        thread (Python cannot interrupt it); its connection is already closed, so its answer
        goes nowhere.
        """
        deadline = time.monotonic() + timeout  # one deadline for the whole stop, not per step
        with self._lock:
            server, dispatcher, thread = self._server, self._dispatcher, self._thread
            self._server = self._dispatcher = self._thread = None
        if server is None or thread is None:
            return True
        server.stopping = True
        with contextlib.suppress(OSError):  # a loop that died needs no waking
            server.pull_trigger()  # wakes the loop, which ends and closes its sockets
        thread.join(max(0.0, deadline - time.monotonic()))
        dispatcher.shutdown(cancel_pending=True, timeout=max(0.0, deadline - time.monotonic()))
        if not thread.is_alive():
            if dispatcher.threads:  # a worker is still in the app: close the pipe after it
                threading.Thread(
                    target=_close_when_idle,
                    args=(server, dispatcher),
                    name="session-server-closer",
                    daemon=True,
                ).start()
            else:
                server.trigger.close()
        # The pool forgets a worker as it exits: any left are still inside the app.
        return not thread.is_alive() and not dispatcher.threads
