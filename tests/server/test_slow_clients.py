"""Slow clients against the real server: stalled or trickling, they hold sockets, not threads.

No test here sleeps: each waits on a socket (``recv`` with a generous timeout) or on a request.
"""

from __future__ import annotations

import contextlib
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from helpers import LOGIN, SECURED, csrf_token

from server.runner import EmbeddedServer, ServerLimits

READ_TIMEOUT = 2.0  # seconds; short, so the stalled connections are closed while we wait
STALLED = 150
TRICKLERS = 16  # twice the worker threads: if each held one, nobody else would be served
HALF_A_HEAD = b"GET " + LOGIN.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
WHOLE_REQUEST = HALF_A_HEAD + b"Connection: close\r\n\r\n"


@pytest.fixture
def server(app):
    """``app`` on a real server with a short read timeout and the usual 8 worker threads."""
    running = EmbeddedServer(app, limits=ServerLimits(threads=8, read_timeout=READ_TIMEOUT))
    running.start()
    yield running
    running.stop()


def connect(server: EmbeddedServer) -> socket.socket:
    """Open a connection to ``server``; blocking calls on it give up after a generous while."""
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=READ_TIMEOUT * 3 + 2)
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # each byte leaves alone
    return connection


def still_open(connection: socket.socket) -> bool:
    """Tell, without waiting, whether the server has neither answered nor hung up."""
    connection.setblocking(False)
    try:
        return connection.recv(1) != b""  # data: an answer, which a half request never gets
    except BlockingIOError:
        return True
    except ConnectionResetError:
        return False
    finally:
        connection.settimeout(READ_TIMEOUT * 3 + 2)


def test_a_normal_client_is_served_beside_150_stalled_connections(server, http):
    with contextlib.ExitStack() as stack:
        stalled = []
        for _ in range(STALLED):
            stalled.append(stack.enter_context(connect(server)))
            stalled[-1].sendall(HALF_A_HEAD)  # and then nothing
        # Every step of a login is answered within a second, or requests raises.
        form = http.get(server.url + LOGIN, timeout=1)
        assert form.status_code == 200
        login = http.post(
            server.url + LOGIN,
            data={"csrf_token": csrf_token(form.text), "userid": "alice", "passwd": "secret"},
            allow_redirects=False,
            timeout=1,
        )
        assert login.status_code == 302
        assert "Welcome USER: alice !" in http.get(server.url + SECURED, timeout=1).text
        # They were all held while the client was served (the server accepts in order)...
        assert all(still_open(connection) for connection in stalled)
        # ...and the server hangs up on each once it has been silent for the read timeout.
        for connection in stalled:
            assert connection.recv(1024) == b""


def test_a_trickling_client_holds_no_worker_thread(server):
    def normal_request(_) -> int:
        with requests.Session() as session:
            session.trust_env = False
            return session.get(server.url + LOGIN, timeout=5).status_code

    with contextlib.ExitStack() as stack:
        tricklers = [stack.enter_context(connect(server)) for _ in range(TRICKLERS)]
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=10))
        for sent in range(len(WHOLE_REQUEST)):
            for trickler in tricklers:
                trickler.sendall(WHOLE_REQUEST[sent : sent + 1])  # one more byte each
            if sent % 8 == 0:  # every so often, ten requests at once, all while they trickle
                assert list(pool.map(normal_request, range(10))) == [200] * 10
        # Complete at last, the trickled requests are answered too.
        for trickler in tricklers:
            answer = b""
            while chunk := trickler.recv(65536):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200 "), answer[:80]
