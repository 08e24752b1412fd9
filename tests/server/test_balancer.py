"""The lab's load balancer: round robin, sticky cookie, servers down, and bad requests."""

from __future__ import annotations

import io
import socket
import threading

import pytest
import requests
from helpers import LOGIN, SECURED, browser_login
from hypothesis import given, settings
from hypothesis import strategies as st

from server import close_app, create_app
from server.balancer import ROUTE_HEADER, SERVER_HEADER, STICKY_COOKIE, VIA, Balancer, name_server
from server.runner import EmbeddedServer


@pytest.fixture
def lab_servers(tmp_path):
    """Two lab servers, A and B, each with its own memory store (one key file)."""
    apps, servers = [], {}
    for name in "AB":
        app = create_app({"SESSION_STORE": "memory", "DATA_DIR": tmp_path})
        app.wsgi_app = name_server(app.wsgi_app, name)
        apps.append(app)
        servers[name] = EmbeddedServer(app)
        servers[name].start()
    yield servers
    for server in servers.values():
        server.stop()
    for app in apps:
        close_app(app)


@pytest.fixture
def front(lab_servers):
    """The balancer in front of A and B, served like the lab server."""
    balancer = Balancer({name: server.url for name, server in lab_servers.items()})
    server = EmbeddedServer(balancer)
    server.start()
    yield balancer, server.url
    server.stop()
    balancer.close()


def answered_by(response: requests.Response) -> str | None:
    return response.headers.get(SERVER_HEADER)


def test_requests_go_to_each_server_in_turn(front, http):
    _, url = front
    answers = [http.get(url + LOGIN, timeout=10) for _ in range(4)]
    assert [answered_by(answer) for answer in answers] == ["A", "B", "A", "B"]
    assert {answer.headers[ROUTE_HEADER] for answer in answers} == {"round robin"}


def test_answers_pass_through_with_every_cookie_and_a_via_header(front, http):
    _, url = front
    response = http.get(url + LOGIN, timeout=10)
    assert response.status_code == 200
    assert "csrf_token" in response.text
    assert VIA in response.headers["Via"]
    assert "sessionid" in http.cookies
    assert STICKY_COOKIE not in http.cookies


def test_round_robin_loses_the_login_on_the_other_server(front, http):
    _, url = front
    # The form comes from A and the POST goes to B, which has never heard of that session.
    assert browser_login(http, url).status_code == 400


def test_a_login_holds_while_sticky(front, http):
    balancer, url = front
    balancer.sticky = True
    login = browser_login(http, url)
    assert login.status_code == 302
    pinned = http.cookies[STICKY_COOKIE]
    pages = [http.get(url + SECURED, timeout=10) for _ in range(3)]
    assert {answered_by(page) for page in pages} == {pinned}
    assert {page.headers[ROUTE_HEADER] for page in pages} == {"sticky"}
    assert all("Welcome USER: alice" in page.text for page in pages)


def test_the_sticky_cookie_is_set_once_and_only_while_sticky(front, http):
    balancer, url = front
    balancer.sticky = True
    first = http.get(url + LOGIN, timeout=10)
    second = http.get(url + LOGIN, timeout=10)
    assert f"{STICKY_COOKIE}=A" in first.headers["Set-Cookie"]
    assert STICKY_COOKIE not in second.headers.get("Set-Cookie", "")
    balancer.sticky = False
    assert [answered_by(http.get(url + LOGIN, timeout=10)) for _ in range(2)] == ["B", "A"]


def test_a_sticky_cookie_naming_no_server_is_replaced(front, http):
    balancer, url = front
    balancer.sticky = True
    http.cookies.set(STICKY_COOKIE, "Z")
    response = http.get(url + LOGIN, timeout=10)
    assert response.status_code == 200
    assert f"{STICKY_COOKIE}={answered_by(response)}" in response.headers["Set-Cookie"]


def test_a_server_down_is_skipped_in_turn(front, lab_servers, http):
    _, url = front
    lab_servers["A"].stop()
    answers = [http.get(url + LOGIN, timeout=10) for _ in range(3)]
    assert [answered_by(answer) for answer in answers] == ["B", "B", "B"]
    routes = [answer.headers[ROUTE_HEADER] for answer in answers]
    assert routes == ["failover", "round robin", "failover"]


def test_a_browser_pinned_to_a_server_that_is_down_gets_a_clear_503(front, lab_servers, http):
    balancer, url = front
    balancer.sticky = True
    http.get(url + LOGIN, timeout=10)
    assert http.cookies[STICKY_COOKIE] == "A"
    lab_servers["A"].stop()
    response = http.get(url + SECURED, timeout=10)
    assert response.status_code == 503
    assert "pins it to server A" in response.text
    assert "load balancer" in response.text
    assert VIA in response.headers["Via"]
    lab_servers["A"].start()
    assert http.get(url + SECURED, timeout=10).status_code == 200


def test_every_server_down_gives_503(front, lab_servers, http):
    _, url = front
    for server in lab_servers.values():
        server.stop()
    response = http.get(url + LOGIN, timeout=10)
    assert response.status_code == 503
    assert "None of the lab servers" in response.text


def _closes_mid_answer() -> tuple[socket.socket, threading.Thread]:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, thread


def test_a_server_failing_mid_answer_gives_502(http):
    listener, thread = _closes_mid_answer()
    balancer = Balancer({"A": f"http://127.0.0.1:{listener.getsockname()[1]}"})
    server = EmbeddedServer(balancer)
    server.start()
    try:
        response = http.get(server.url + "/", timeout=10)
        assert response.status_code == 502
        assert "Server A failed while answering" in response.text
    finally:
        server.stop()
        thread.join(5)
        listener.close()
        balancer.close()


def raw(url: str, data: bytes) -> bytes:
    """Send ``data`` as is and return all the answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"garbage\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n", b"400"),
        (b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", b"405"),
        (b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", b"400"),
        (
            b"GET /%ff%fe%00?%zz=%e9 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            b"404",
        ),
        (b"GET /a b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", b"400"),
        (
            b"POST "
            + LOGIN.encode()
            + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
            + str(4 << 20).encode()
            + b"\r\nConnection: close\r\n\r\n",
            b"413",
        ),
    ],
)
def test_malformed_requests_get_4xx_and_the_balancer_serves_on(front, http, request_bytes, status):
    _, url = front
    answer = raw(url, request_bytes)
    assert answer.split(b" ")[1] == status, answer[:200]
    assert http.get(url + LOGIN, timeout=10).status_code == 200


def echo_target(environ, start_response):
    """A server that answers with the request target it received, as it received it."""
    body = environ["REQUEST_URI"].encode("latin-1")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def echo_front():
    """The balancer in front of :func:`echo_target`."""
    echo = EmbeddedServer(echo_target)
    echo.start()
    balancer = Balancer({"E": echo.url})
    front = EmbeddedServer(balancer)
    front.start()
    yield balancer, front.url
    front.stop()
    balancer.close()
    echo.stop()


ESCAPED_TARGETS = [
    "/a%2541",  # decoded twice, this would be /a%41, which a server reads as /aA
    "/files/a%2Fb",  # an escaped slash is not a path separator
    "/x%20y?next=%2Fsecured&q=a%25b+c",
]


@pytest.mark.parametrize("target", ESCAPED_TARGETS)
def test_the_target_reaches_the_server_with_its_escapes_as_the_client_sent_them(echo_front, target):
    _, url = echo_front
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    answer = raw(url, request.encode())
    assert answer.split(b" ")[1] == b"200", answer[:200]
    assert answer.endswith(b"\r\n\r\n" + target.encode())


@pytest.mark.parametrize(
    ("path_info", "query", "forwarded"),
    [("/a%41", "", "/a%2541"), ("/a b", "q=%2F", "/a%20b?q=%2F"), ("", "", "/")],
)
def test_without_a_raw_target_the_decoded_path_is_escaped_again(
    echo_front, path_info, query, forwarded
):
    balancer, _ = echo_front
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "REMOTE_ADDR": "127.0.0.1",
    }
    answer = b"".join(balancer(environ, lambda status, headers, exc=None: None))
    assert answer == forwarded.encode()


def test_the_balancer_needs_a_server():
    with pytest.raises(ValueError):
        Balancer({})


def test_a_crash_inside_the_balancer_is_a_502_page_not_a_traceback(front, http, monkeypatch):
    balancer, url = front
    monkeypatch.setattr(balancer, "_pool", None)  # any request now fails inside the balancer
    response = http.get(url + LOGIN, timeout=10)
    assert response.status_code == 502
    assert "failed while passing" in response.text


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@settings(derandomize=True, database=None, max_examples=150, deadline=None)
@given(
    method=st.text(max_size=8),
    path=st.text(max_size=40),
    query=st.text(max_size=20),
    cookie=st.text(max_size=40),
    length=st.one_of(st.none(), st.text(max_size=6)),
    body=st.binary(max_size=20),
    uri=st.one_of(st.none(), st.text(max_size=30)),
)
def test_any_request_gets_an_answer_from_the_balancer_itself(
    method, path, query, cookie, length, body, uri
):
    balancer = Balancer({"A": f"http://127.0.0.1:{_closed_port()}"}, sticky=True)
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_COOKIE": cookie,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "REMOTE_ADDR": "127.0.0.1",
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    if uri is not None:
        environ["REQUEST_URI"] = uri
    seen = []
    answer = b"".join(balancer(environ, lambda status, headers, exc=None: seen.append(status)))
    balancer.close()
    assert seen[0][:3] in {"400", "405", "413", "503"}
    assert b"load balancer" in answer
