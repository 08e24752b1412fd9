"""Run a WSGI app on a background thread: the desktop app's embedded server.

``EmbeddedServer.start()`` binds the socket itself (port 0 means a free port, chosen by the
kernel in the same call, so there is no probe-then-bind race), returns once the socket listens,
and raises :class:`ServerStartError` instead of exiting the process as werkzeug's own start-up
does on a busy port. ``stop()`` may be called from any thread; it closes idle keep-alive
connections and joins every thread it started.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from http import HTTPStatus

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.1
LINGER_SECONDS = 0.2
LINGER_BYTES = 1 << 20


class ServerStartError(RuntimeError):
    """The server could not listen (the port is taken, say)."""


class ServerSocketLost(RuntimeError):
    """The listening socket was closed while the server was serving."""


class _LoggingRequestHandler(WSGIRequestHandler):
    """Sends werkzeug's access log to :mod:`logging`; answers a client's mistake with a 4xx."""

    def log(self, type: str, message: str, *args) -> None:
        log.debug("%s - %s", self.address_string(), message % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        # http.server answers an HTTP version it does not speak (HTTP/9.9) with 505, but what a
        # client sends never earns a 5xx here: it is the client's mistake, so 400.
        if code == HTTPStatus.HTTP_VERSION_NOT_SUPPORTED:
            code = HTTPStatus.BAD_REQUEST
        super().send_error(code, message, explain)


class _TrackingServer(ThreadedWSGIServer):
    """A threaded WSGI server that knows its handler threads and their connections."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._handlers: dict[threading.Thread, socket.socket] = {}

    def service_actions(self) -> None:
        # A listening socket closed under us makes select() report it ready forever and accept()
        # fail quietly: stop serving and report it instead of spinning.
        if self.socket.fileno() < 0:
            raise ServerSocketLost("the server's listening socket was closed")
        super().service_actions()

    def process_request(self, request, client_address) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"session-server-request-{client_address[1]}",
            daemon=True,
        )
        with self._lock:
            self._handlers[thread] = request
        thread.start()

    def shutdown_request(self, request) -> None:
        # A lingering close: the server may answer (413, 414) before the client has finished
        # sending. Closing with unread bytes makes the kernel reset the connection, and the
        # client loses the answer; so stop writing, read what is still coming (briefly, up to a
        # limit), then close.
        with contextlib.suppress(OSError):
            request.shutdown(socket.SHUT_WR)
        with contextlib.suppress(OSError):
            request.settimeout(LINGER_SECONDS)
            drained = 0
            while drained < LINGER_BYTES and (chunk := request.recv(65536)):
                drained += len(chunk)
        self.close_request(request)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._handlers.pop(threading.current_thread(), None)

    def close_connections(self) -> list[threading.Thread]:
        """Shut every open connection down (waking idle keep-alive reads); return the threads."""
        with self._lock:
            handlers = list(self._handlers.items())
        for _, connection in handlers:
            with contextlib.suppress(OSError):  # already closed by its handler
                connection.shutdown(socket.SHUT_RDWR)
        return [thread for thread, _ in handlers]


class EmbeddedServer:
    """Serves ``app`` on ``host:port`` from a background thread until :meth:`stop`.

    ``on_error`` is called (from the server thread) if serving fails after start-up.
    """

    def __init__(
        self,
        app,
        host: str = "127.0.0.1",
        port: int = 0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.on_error = on_error
        self.port: int | None = None
        self._server: _TrackingServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:49152``."""
        if self.port is None:
            raise RuntimeError("the server has not been started")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the serving thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        """Listen and serve in the background; return the URL.

        After a stop, a restart asks for the port it had before, so clients keep their URL;
        if that port is gone it takes a fresh one (unless the port was pinned).
        """
        with self._lock:
            if self.running:
                return self.url
            listener = self._bind()
            try:
                server = _TrackingServer(
                    self.host,
                    self.port,
                    self.app,
                    handler=_LoggingRequestHandler,
                    fd=listener.fileno(),
                )
            finally:
                listener.close()  # the server holds its own duplicate of the descriptor
            self._server = server
            self._thread = threading.Thread(
                target=self._serve, args=(server,), name="session-server", daemon=True
            )
            self._thread.start()
            return self.url

    @property
    def listening_socket(self) -> socket.socket | None:
        """The socket that accepts connections while serving, else None."""
        server = self._server
        return server.socket if server is not None else None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until serving ends or ``timeout`` passes; return whether it is still running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.running

    def _bind(self) -> socket.socket:
        candidates = [self.requested_port]
        if self.requested_port == 0 and self.port:
            candidates.insert(0, self.port)
        last_error: OSError | None = None
        for port in candidates:
            try:
                listener = socket.create_server((self.host, port))
            except OSError as error:
                last_error = error
                continue
            self.port = listener.getsockname()[1]
            return listener
        raise ServerStartError(
            f"cannot listen on {self.host}:{self.requested_port}: {last_error.strerror}"
        ) from last_error

    def _serve(self, server: _TrackingServer) -> None:
        try:
            server.serve_forever(poll_interval=POLL_INTERVAL)
        except BaseException as error:  # reported, not raised: nobody joins this thread's stack
            log.exception("the session server stopped with an error")
            if self.on_error is not None:
                self.on_error(error)

    def stop(self, timeout: float = 2.0) -> bool:
        """Stop serving and join every thread; return False if one was still busy at ``timeout``.

        A request still running in the app at the deadline is left to finish on its daemon
        thread (Python cannot interrupt it); its connection is already shut, so it ends at once
        after that.
        """
        deadline = time.monotonic() + timeout  # one deadline for the whole stop, not per step
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None or thread is None:
            return True
        if thread.is_alive():
            server.shutdown()
        thread.join(max(0.0, deadline - time.monotonic()))
        server.server_close()
        handlers = server.close_connections()
        for handler in handlers:
            handler.join(max(0.0, deadline - time.monotonic()))
        return not thread.is_alive() and not any(h.is_alive() for h in handlers)
