"""Client mistakes get a clear 4xx page, never a 5xx; a real bug gets a logged, opaque 500."""

from __future__ import annotations

import contextlib
import logging
import re
import socket

import pytest
from helpers import LOGIN, LOGOUT, SECURED, csrf_token

import server.errors as errors_module
from server import snapshot

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MULTI = {"Content-Type": "multipart/form-data; boundary=b"}


def multipart(fields: dict[str, str]) -> bytes:
    """Return ``fields`` as a multipart/form-data body with the boundary ``b``."""
    parts = (
        f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    )
    return ("".join(parts) + "--b--\r\n").encode()


#: (method, path, body, headers, expected status): nothing here is a browser filling the form in.
NASTY = [
    pytest.param("BREW", LOGIN, None, None, 405, id="unknown-method"),
    pytest.param("PUT", SECURED, None, None, 405, id="put"),
    pytest.param("DELETE", LOGOUT, None, None, 405, id="delete"),
    pytest.param("POST", SECURED, None, None, 405, id="post-to-a-page"),
    pytest.param("GET", "/nowhere/", None, None, 404, id="unknown-path"),
    pytest.param("GET", "/%00", None, None, 404, id="nul-in-path"),
    pytest.param("GET", LOGIN + "%ff%fe", None, None, 404, id="bad-utf8-in-path"),
    pytest.param("GET", "/app_sessions/../../etc/passwd", None, None, 404, id="dot-dot"),
    pytest.param("GET", "/app_sessions/", None, None, 404, id="prefix-only"),
    pytest.param("POST", LOGIN, b"userid=\xff\xfe&passwd=\x80", FORM, 400, id="non-utf8-form"),
    pytest.param("POST", LOGIN, b"userid=%zz&passwd=%", FORM, 400, id="broken-escapes"),
    pytest.param("POST", LOGIN, b"\x00\x01\x02", FORM, 400, id="binary-form"),
    pytest.param(
        "POST", LOGIN, b'{"userid": "a"}', {"Content-Type": "application/json"}, 400, id="json"
    ),
    pytest.param("POST", LOGIN, b"userid=a", {"Content-Type": "text/plain"}, 400, id="text"),
    pytest.param("POST", LOGIN, b"x", {"Content-Type": "multipart/form-data"}, 400, id="no-bound"),
    pytest.param("POST", LOGIN, b"x", {"Content-Type": ";;;=/"}, 400, id="bad-content-type"),
    pytest.param("POST", LOGIN, b"x" * 100_000, FORM, 413, id="body-over-limit"),
    pytest.param(
        "POST", LOGIN, b"&".join(b"f%d=x" % i for i in range(4000)), FORM, 400, id="4000-fields"
    ),
    pytest.param(
        "POST", LOGIN, multipart({f"f{i}": "x" for i in range(100)}), MULTI, 413, id="100-parts"
    ),
    pytest.param("POST", LOGIN, multipart({"userid": "u" * 20_000}), MULTI, 413, id="big-part"),
    pytest.param("POST", LOGIN, multipart({"userid": "a"})[:-10], MULTI, 400, id="cut-multipart"),
]


@pytest.mark.parametrize(("method", "path", "body", "headers", "status"), NASTY)
def test_malformed_requests_get_a_4xx(visitor, app, method, path, body, headers, status):
    response = visitor.client.request(method, path, data=body, headers=headers)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"<h1>{status} " in response.text
    assert "Traceback" not in response.text
    assert all("userid" not in record.data for record in snapshot(app))


def test_405_keeps_its_allow_header(visitor):
    response = visitor.client.request("BREW", LOGIN)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_body_over_the_limit_explains_itself(visitor):
    response = visitor.client.post(LOGIN, data=b"userid=" + b"a" * 70_000, headers=FORM)
    assert response.status_code == 413
    assert "Request Entity Too Large" in response.text


@pytest.mark.parametrize(
    ("userid", "status", "shown"),
    [
        pytest.param(b"al%FFce", 302, "al%FFce", id="escaped-bytes-kept-as-text"),
        pytest.param(b"al\xffce", 400, None, id="raw-bytes-void-the-form"),
    ],
)
def test_non_utf8_user_name_with_a_valid_token(visitor, userid, status, shown):
    token = csrf_token(visitor.client.get(LOGIN).text).encode()
    body = b"csrf_token=" + token + b"&passwd=x&userid=" + userid
    assert visitor.client.post(LOGIN, data=body, headers=FORM).status_code == status
    expected = f"Welcome USER: {shown} !" if shown else "You are not logged in"
    assert expected in visitor.secured_page().text


@pytest.fixture
def failing_route(app):
    """Register a route with a bug in it."""

    @app.get("/test/bug/")
    def bug():
        raise RuntimeError("secret detail of the bug")


def test_a_bug_is_a_logged_500_that_leaks_nothing(failing_route, visitor, caplog):
    with caplog.at_level(logging.ERROR):
        response = visitor.client.get("/test/bug/")
    assert response.status_code == 500
    assert "Something went wrong on the server" in response.text
    assert "secret detail" not in response.text
    [logged] = [r for r in caplog.records if r.exc_info]
    assert str(logged.exc_info[1]) == "secret detail of the bug"


def exchange(port: int, raw: bytes) -> int | None:
    """Send ``raw`` bytes on a fresh connection; return the answer's status (None: no answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        # The server may answer (and stop reading) before everything is sent, as for a URI
        # too long: what matters is the answer it gave.
        with contextlib.suppress(OSError):
            connection.sendall(raw)
            connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    if not answer:
        return None
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    assert match, answer[:200]
    return int(match.group(1))


def request_bytes(head: str, *headers: str, body: bytes = b"") -> bytes:
    """Return a raw HTTP/1.1 request with ``headers`` and ``body``."""
    return "\r\n".join([head, "Host: 127.0.0.1", *headers, "", ""]).encode("latin-1") + body


# What waitress does with requests no browser sends: a 4xx, or for what is merely unusual (many
# headers, a long cookie, an HTTP version it reads as 1.0) a normal answer; never a 5xx.
RAW = [
    pytest.param(b"GARBAGE\r\n\r\n", 400, id="garbage-request-line"),
    pytest.param(b"\x16\x03\x01\x00\xa5\x01\x00" + b"\x00" * 40 + b"\r\n\r\n", 400, id="tls"),
    pytest.param(request_bytes("GET / HTTP/9.9"), 200, id="unknown-http-version-read-as-1.0"),
    pytest.param(request_bytes("GET " + "/a" * 40_000 + " HTTP/1.1"), 404, id="long-uri"),
    pytest.param(request_bytes("GET / HTTP/1.1", *["X-A: b"] * 200), 200, id="many-headers"),
    pytest.param(
        request_bytes("GET / HTTP/1.1", "Cookie: sessionid=" + "a" * 70_000), 200, id="huge-cookie"
    ),
    pytest.param(b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", 400, id="raw-bytes-in-path"),
    pytest.param(
        request_bytes(f"POST {LOGIN} HTTP/1.1", "Content-Length: -5"), 400, id="negative-length"
    ),
    # The client stops sending mid-body: there is no request to answer, so the server hangs up.
    pytest.param(
        request_bytes(f"POST {LOGIN} HTTP/1.1", "Content-Length: 500", body=b"userid=a"),
        None,
        id="body-shorter-than-announced",
    ),
    pytest.param(
        request_bytes(f"POST {LOGIN} HTTP/1.1", "Transfer-Encoding: chunked", body=b"zz\r\nx\r\n"),
        400,
        id="bad-chunk",
    ),
    pytest.param(
        request_bytes(f"POST {LOGIN} HTTP/1.1", "Content-Length: 2000000"), 413, id="body-too-big"
    ),
]


@pytest.mark.parametrize(("raw", "status"), RAW)
def test_malformed_http_gets_a_4xx_from_the_real_server(live_server, raw, status):
    assert exchange(live_server.port, raw) == status


def test_an_error_page_that_cannot_render_falls_back_to_plain_html(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the template needs what this request lacks")

    monkeypatch.setattr(errors_module, "render_template", broken)
    with app.test_request_context("/"):
        page = errors_module.error_page(400, "Bad Request", "<b>the reason</b>")
    assert "<h1>400 Bad Request</h1>" in page
    assert "&lt;b&gt;the reason&lt;/b&gt;" in page  # escaped, like the template would
    assert LOGIN in page
