"""The embedded runner: a free port, clear start-up errors, a bounded stop and a clean restart."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
import requests
from helpers import SECURED, browser_login

from server import close_app, create_app
from server.runner import EmbeddedServer, ServerLimits, ServerStartError


def server_threads() -> list[str]:
    """Return the names of the runner's live threads."""
    return [t.name for t in threading.enumerate() if t.name.startswith("session-server")]


@pytest.fixture
def make_server():
    """Return a factory of EmbeddedServers that are all stopped at teardown."""
    servers = []

    def make(app, **kwargs):
        servers.append(EmbeddedServer(app, **kwargs))
        return servers[-1]

    yield make
    for server in servers:
        server.stop()


def test_port_zero_listens_on_a_free_loopback_port(app, make_server, http):
    server = make_server(app)
    url = server.start()
    assert server.port > 0
    assert url == f"http://127.0.0.1:{server.port}" == server.url
    assert server.running
    assert http.get(url + "/", timeout=10).status_code == 200
    with pytest.raises(OSError):
        socket.create_server(("127.0.0.1", server.port))


def test_a_busy_port_raises_server_start_error_instead_of_exiting(app, make_server):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        server = make_server(app, port=port)
        with pytest.raises(ServerStartError, match=f"cannot listen on 127.0.0.1:{port}"):
            server.start()
    assert not server.running
    assert server_threads() == []


def test_url_before_start_is_an_error_and_stop_is_harmless(app):
    server = EmbeddedServer(app)
    with pytest.raises(RuntimeError):
        server.url  # noqa: B018 - the property raises
    assert server.stop() is True


def test_start_while_running_keeps_the_one_server(app, make_server):
    server = make_server(app)
    assert server.start() == server.start()
    assert server_threads().count("session-server") == 1  # one loop, beside its workers


def open_idle_connection(server: EmbeddedServer, http: requests.Session) -> socket.socket:
    """Connect and send half a request, as a stalled client or a spare keep-alive socket sits.

    A full request made afterwards returns only once the server has accepted the idle one (it
    accepts in order); the idle one holds a socket on the server's loop, not a thread.
    """
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    idle.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert http.get(server.url + "/", timeout=10).status_code == 200
    return idle


def test_stop_from_another_thread_ends_wait(live_server):
    stopper = threading.Thread(target=live_server.stop)
    stopper.start()
    assert live_server.wait(5) is False
    stopper.join()
    assert not live_server.running


def test_stop_takes_at_most_two_seconds_with_idle_and_busy_connections(
    app, slow_route, live_server, http
):
    url = live_server.url
    idle = open_idle_connection(live_server, http)
    outcome = []

    def slow_request() -> None:
        try:
            outcome.append(http_slow.get(url + slow_route.path, timeout=10).status_code)
        except requests.ConnectionError as error:
            outcome.append(error)

    http_slow = requests.Session()
    http_slow.trust_env = False
    client = threading.Thread(target=slow_request)
    client.start()
    assert slow_route.entered.wait(5)
    started = time.monotonic()
    finished = live_server.stop()
    elapsed = time.monotonic() - started
    slow_route.release.set()
    client.join(10)
    http_slow.close()
    idle.close()
    for thread in threading.enumerate():
        if thread.name.startswith("session-server"):
            thread.join(5)  # released, the handler ends: its connection is already shut
    assert server_threads() == []
    assert elapsed < 2.5  # the bound is 2 s; the rest is scheduling slack
    assert finished is False  # the slow handler was still in the app at the deadline
    assert isinstance(outcome[0], requests.ConnectionError)


def test_no_server_thread_outlives_stop(app, make_server, http):
    server = make_server(app)
    server.start()
    with open_idle_connection(server, http) as idle:
        assert server.stop() is True
        assert server_threads() == []
        assert not server.running
        assert idle.recv(1024) == b""  # the server hung up on the idle connection


def test_start_again_after_stop_serves_on_the_same_url(app, make_server, http):
    server = make_server(app)
    first = server.start()
    http.get(first + "/", timeout=10)
    server.stop()
    with pytest.raises(requests.ConnectionError):
        http.get(first + "/", timeout=10)
    assert server.start() == first
    assert http.get(first + "/", timeout=10).status_code == 200


def test_sessions_survive_a_restart_of_the_real_server(app, app_config, make_server, http):
    server = make_server(app)
    url = server.start()
    assert browser_login(http, url, "alice").status_code == 302
    server.stop()
    server.start()
    assert "Welcome USER: alice !" in http.get(url + SECURED, timeout=10).text
    server.stop()
    close_app(app)
    fresh_app = create_app(app_config)
    fresh = make_server(fresh_app)
    try:
        fresh_url = fresh.start()
        assert "Welcome USER: alice !" in http.get(fresh_url + SECURED, timeout=10).text
    finally:
        fresh.stop()
        close_app(fresh_app)


def test_one_client_address_cannot_hold_every_connection(app, make_server):
    server = make_server(app, limits=ServerLimits(per_client=5))
    server.start()
    held = []
    for _ in range(5):
        held.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        held[-1].sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and then nothing
    over = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    with contextlib.suppress(ConnectionResetError):  # closed at once, unanswered: that
        assert over.recv(100) == b""  # address holds its five already
    other = socket.create_connection(
        ("127.0.0.1", server.port), timeout=10, source_address=("127.0.0.2", 0)
    )
    other.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert other.recv(100).startswith(b"HTTP/1.1 200")  # another device is served
    for connection in (*held, over, other):
        connection.close()
