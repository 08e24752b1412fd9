"""The TLS front: https in front of the waitress server, which is told its requests are https."""

from __future__ import annotations

import socket
import ssl

import pytest
import requests
import trustme
from flask import Flask, request
from helpers import poll_until

from server.runner import EmbeddedServer, ServerStartError
from server.tls_front import TlsFront


@pytest.fixture(scope="module")
def ca():
    """A throwaway CA and a server context for 127.0.0.1."""
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return ca, context


@pytest.fixture
def ca_file(ca, tmp_path):
    """The CA's certificate as a file, as ``requests`` wants it."""
    path = tmp_path / "ca.pem"
    ca[0].cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def scheme_app():
    """An app that answers with the scheme it was told."""
    app = Flask(__name__)
    app.get("/")(lambda: f"{request.scheme} {request.url}")
    return app


@pytest.fixture
def front(ca, scheme_app):
    """An https-told waitress server with a TLS front, both started; stopped afterwards."""
    inner = EmbeddedServer(scheme_app, url_scheme="https")
    inner.start()
    front = TlsFront(ca[1], ("127.0.0.1", inner.port))
    front.start()
    yield front
    assert front.stop(2.0)
    inner.stop()


def test_https_reaches_the_app_which_knows_it_came_over_https(front, ca_file, http):
    answer = http.get(front.url + "/", verify=ca_file, timeout=10)
    assert answer.status_code == 200
    assert answer.text == f"https {front.url}/"
    assert answer.headers["Server"] == "waitress"


def test_a_client_that_does_not_trust_the_ca_is_refused(front, http):
    with pytest.raises(requests.exceptions.SSLError):
        http.get(front.url + "/", timeout=10)  # the system's CAs only


def test_plain_http_to_the_tls_port_gets_no_page(front, http):
    with pytest.raises(requests.ConnectionError):
        http.get(front.url.replace("https", "http") + "/", timeout=10)


def test_a_silent_client_does_not_hold_up_others(front, ca_file, http):
    # Connected but never starting its handshake: the loop keeps serving everyone else.
    with socket.create_connection(("127.0.0.1", front.port)):
        assert http.get(front.url + "/", verify=ca_file, timeout=10).status_code == 200


def test_a_busy_port_is_a_start_error_and_a_restart_keeps_the_port(ca, scheme_app):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(ServerStartError, match=f"cannot listen on 127.0.0.1:{port}"):
            TlsFront(ca[1], ("127.0.0.1", 9), port=port).start()
    front = TlsFront(ca[1], ("127.0.0.1", 9))
    front.start()
    port = front.port
    assert front.stop(2.0) and not front.running
    assert front.start() == f"https://127.0.0.1:{port}"
    assert front.stop(2.0)


def test_stop_closes_open_connections(front, ca_file):
    session = requests.Session()
    session.trust_env = False
    assert session.get(front.url + "/", verify=ca_file, timeout=10).status_code == 200
    assert front.stop(2.0)
    with pytest.raises(requests.ConnectionError):
        session.get(front.url + "/", verify=ca_file, timeout=5)
    session.close()


def test_both_sides_of_a_connection_send_at_once(front, ca_file):
    # Without TCP_NODELAY a page's body waits for the client's delayed ACK of its headers.
    session = requests.Session()
    session.trust_env = False
    assert session.get(front.url + "/", verify=ca_file, timeout=10).status_code == 200
    sockets = [stream.get_extra_info("socket") for stream in list(front._open)]
    assert len(sockets) == 2  # the client's side and the server's, kept alive
    assert all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)
    session.close()


def test_a_stop_during_handshakes_leaves_no_connection_open(ca, scheme_app):
    import gc

    inner = EmbeddedServer(scheme_app, url_scheme="https")
    inner.start()
    front = TlsFront(ca[1], ("127.0.0.1", inner.port))
    front.start()
    # Ten clients connect and never start their handshake: the front waits on each.
    clients = [socket.create_connection(("127.0.0.1", front.port)) for _ in range(10)]
    poll_until(lambda: len(front._open) == 10, 10, "the front holds all ten", every=0.01)
    assert front.stop(2.0)
    for client in clients:
        assert client.recv(1) == b""  # closed by the front
        client.close()
    inner.stop()
    gc.collect()  # an unclosed transport left behind would warn here, and fail the test
