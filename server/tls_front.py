"""A small TLS front: HTTPS on one port, passed on as plain bytes to a server on loopback.

Waitress speaks no TLS; in production a proxy (nginx, a load balancer) ends TLS in front of it.
The lab does the same on a small scale: an asyncio loop on a thread of its own accepts TLS
connections and pipes each one to a waitress server on loopback that was told its requests
arrive over https. So the https listener answers with the very same server as the http one
(bounds, slow clients, error pages, its ``Server`` header), and the TLS is the standard
library's own. One loop holds every connection, so a client that never finishes its handshake
holds a socket until the handshake timeout, never a thread. Werkzeug's development server could
serve TLS too, but it does the handshake inside its accept loop: one silent client stalls it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import socket
import ssl
import threading

from server.runner import ServerStartError, base_url, bind_listener

log = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT = 10.0  # seconds a client may take to finish its TLS handshake
CONNECT_TIMEOUT = 3.0  # seconds to reach the server behind the front
MAX_CONNECTIONS = 500  # open TLS connections at most; past it new ones are closed at once
CHUNK = 64 * 1024
CLOSING_ROUNDS = 5  # turns of the loop a stop waits for connections to end (0.1 s each at most)


class _TrackedProtocol(asyncio.StreamReaderProtocol):
    """asyncio's stream protocol, noting each connection in ``live`` while it is open.

    A stop can then abort a connection accepted a moment ago, whose task has not run yet.
    """

    def __init__(self, live: set[asyncio.BaseTransport], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._live = live
        self._raw: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._raw = transport
        self._live.add(transport)
        super().connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._live.discard(self._raw)
        super().connection_lost(exc)


def _abort(stream: asyncio.StreamWriter) -> None:
    """Close a stream's connection at once (no-op once it is gone)."""
    transport = stream.transport
    if transport is not None:  # None once a handshake was cut short (Python 3.11)
        transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy ``reader`` to ``writer`` until either side ends; then close ``writer``."""
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):  # ssl.SSLError is an OSError too
        pass
    finally:
        writer.close()


class TlsFront:
    """Listens with TLS on ``host:port`` and forwards each connection to ``target`` in plain.

    ``start`` binds (port 0: any free one; after a stop, the port it had before when still
    free) and raises :class:`~server.runner.ServerStartError` when it cannot; ``stop`` may be
    called from any thread and closes every connection.
    """

    def __init__(
        self,
        context: ssl.SSLContext,
        target: tuple[str, int],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.context = context
        self.target = target
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        #: Streams not yet closed, client and server side (the loop's thread only).
        self._open: set[asyncio.StreamWriter] = set()
        self._closing = False  # set on the loop's thread once a stop began
        #: The clients' connections as accepted (the TLS layer rides on them).
        self._live: set[asyncio.BaseTransport] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``https://127.0.0.1:49153``."""
        return base_url("https", self.host, self.port, "the TLS front")

    @property
    def running(self) -> bool:
        """Whether the front's loop is serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        """Listen and serve in the background; return the URL."""
        with self._lock:
            if self.running:
                return self.url
            listener = self._bind()
            self._closing = False
            loop = asyncio.new_event_loop()
            ready: concurrent.futures.Future = concurrent.futures.Future()
            thread = threading.Thread(
                target=self._run,
                args=(loop, listener, ready),
                name="session-server-tls",
                daemon=True,
            )
            thread.start()
            try:
                ready.result(timeout=5)
            except Exception as error:
                thread.join(1)
                raise ServerStartError(
                    f"cannot serve TLS on {self.host}:{self.port}: {error}"
                ) from error
            self._loop, self._thread = loop, thread
            return self.url

    def _bind(self) -> socket.socket:
        listener = bind_listener(self.host, self.requested_port, self.port)
        self.port = listener.getsockname()[1]
        return listener

    def _run(self, loop, listener: socket.socket, ready: concurrent.futures.Future) -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                loop.create_server(
                    lambda: _TrackedProtocol(self._live, asyncio.StreamReader(), self._handle),
                    sock=listener,
                )
            )
        except Exception as error:  # reported to start(), which raises it
            listener.close()
            loop.close()
            ready.set_exception(error)
            return
        ready.set_result(None)
        try:
            loop.run_forever()
        finally:
            self._closing = True
            server.close()
            # Abort every connection and let its task end by itself (cancelling a connection's
            # task makes Python 3.11's streams log an error). A connection accepted just now
            # reaches _handle only on a later turn of the loop: go round until none is left.
            for _ in range(CLOSING_ROUNDS):
                self._abort_all()
                tasks = asyncio.all_tasks(loop)
                if not tasks:
                    break
                loop.run_until_complete(asyncio.wait(tasks, timeout=0.1))
            tasks = asyncio.all_tasks(loop)
            for task in tasks:  # stuck ones, if any
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            self._abort_all()
            self._open.clear()
            loop.run_until_complete(server.wait_closed())
            for _ in range(2):
                loop.run_until_complete(asyncio.sleep(0))  # aborted transports finish closing
            loop.close()

    def _abort_all(self) -> None:
        """Abort every connection, the clients' and the server's side (the loop's thread)."""
        for transport in list(self._live):
            transport.abort()
        for stream in list(self._open):
            _abort(stream)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # The TLS handshake runs in this connection's own task, so a stop cancels it like
        # any other; the connection is aborted then, not left to time out.
        if self._closing or len(self._open) >= MAX_CONNECTIONS:
            _abort(writer)
            return
        streams = [writer]
        self._open.update(streams)
        # asyncio sets TCP_NODELAY only on sockets whose protocol number says TCP, which an
        # accepted socket of socket.create_server's does not: without it, a page's body waits
        # for the client's delayed ACK of its headers (40 ms a request).
        with contextlib.suppress(OSError):
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            raw = writer.transport
            try:
                await writer.start_tls(self.context, ssl_handshake_timeout=HANDSHAKE_TIMEOUT)
            except AttributeError:
                # Python 3.11: a connection aborted mid-handshake (a stop) leaves the writer
                # with no transport, and its __del__ then fails: give it back the raw one.
                writer._transport = raw
                raise ConnectionResetError("the connection ended in its TLS handshake") from None
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection(*self.target), CONNECT_TIMEOUT
            )
            streams.append(up_writer)
            self._open.add(up_writer)
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except asyncio.CancelledError:  # the front stops
            for stream in streams:
                _abort(stream)
                self._open.discard(stream)
            raise
        except (OSError, TimeoutError) as error:  # a failed handshake, a server gone
            log.debug("a TLS connection ended early: %s", error)
            for stream in streams:
                _abort(stream)
        # Closed gracefully, a stream flushes what it still holds (the end of a page) and then
        # says goodbye; it is forgotten once closed, or aborted if the front stops first.
        for stream in streams:
            asyncio.get_running_loop().create_task(self._forget(stream))

    async def _forget(self, stream: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            await stream.wait_closed()
        self._open.discard(stream)

    def stop(self, timeout: float = 2.0) -> bool:
        """Stop serving and close every connection; False if the loop outlived ``timeout``."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return True
        with contextlib.suppress(RuntimeError):  # a loop that already ended
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        return not thread.is_alive()
