"""Only the names the server was told to trust reach it: DNS rebinding gets a 400."""

from __future__ import annotations

import socket

import pytest
from helpers import LOGIN

from server.__main__ import allowed_hosts
from server.allowed_hosts import host_name


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1", 200),
        ("127.0.0.1:8000", 200),
        ("localhost:5000", 200),
        ("LOCALHOST", 200),
        ("[::1]:8000", 200),
        ("[::1]", 200),
        ("evil.example", 400),
        ("127.0.0.1.evil.example", 400),
        ("localhost.", 400),
        ("a..b", 400),  # once a 500: the error page itself failed on it
        ("127.0.0.1:99999999", 400),
        ("", 400),
        ("127.0.0.1 evil", 400),
    ],
)
def test_host_header_is_checked(client, host, status):
    response = client.get(LOGIN, headers={"Host": host})
    assert response.status_code == status
    if status == 400:
        assert "answers only to the names it was told to trust" in response.text
        assert "Set-Cookie" not in response.headers  # refused before a session was made


def test_a_foreign_host_is_refused_by_the_real_server(live_server):
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400")


@pytest.mark.parametrize("app_config", [{"ALLOWED_HOSTS": ["lab.example"]}], indirect=True)
def test_a_configured_name_is_answered(client):
    assert client.get(LOGIN, headers={"Host": "lab.example:8000"}).status_code == 200
    assert client.get(LOGIN, headers={"Host": "127.0.0.1"}).status_code == 400


@pytest.mark.parametrize(
    ("host", "trusted", "expected"),
    [
        ("127.0.0.1", [], ["127.0.0.1", "localhost", "[::1]"]),
        ("192.0.2.7", [], ["127.0.0.1", "localhost", "[::1]", "192.0.2.7"]),
        ("0.0.0.0", ["Lab.Example"], ["127.0.0.1", "localhost", "[::1]", "lab.example"]),
        ("::", [], ["127.0.0.1", "localhost", "[::1]"]),
        ("2001:db8::1", [], ["127.0.0.1", "localhost", "[::1]", "[2001:db8::1]"]),
        ("127.0.0.1", ["lab.example:8000"], ["127.0.0.1", "localhost", "[::1]", "lab.example"]),
    ],
)
def test_the_command_line_adds_the_address_served_and_trusted_names(host, trusted, expected):
    assert allowed_hosts(host, trusted) == expected


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:80", "127.0.0.1"), ("[::1]:8000", "[::1]"), ("a b", None), ("x:y", None)],
)
def test_host_name_drops_the_port(header, name):
    assert host_name(header) == name
