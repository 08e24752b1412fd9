"""Seeded fuzzing: forms, multipart, cookies, headers, methods, paths and raw HTTP never get a 5xx.

Every test feeds one app a few hundred generated requests (2,400 through Flask's test client,
300 raw exchanges with the real server), counts the statuses it saw, then checks that a normal
login still works. Hypothesis is derandomized and keeps no
database, so every run sends the same requests.
"""

from __future__ import annotations

import contextlib
import re
import socket
from collections import Counter
from urllib.parse import quote_from_bytes

import pytest
import requests
from helpers import LOGIN, LOGOUT, SECURED, SessionActions, browser_login, csrf_token
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["userid", "passwd", "csrf_token"]
PATHS = [LOGIN, SECURED, LOGOUT, "/", "/app_sessions/", "/nowhere/", LOGIN.rstrip("/")]
METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"]
HOSTS = ["localhost", "127.0.0.1", "127.0.0.1:8000", "[::1]", "[::1]:80", "LOCALHOST:1"]
FORM = "application/x-www-form-urlencoded"
TOKEN, WRONG_TOKEN = "<the session's CSRF token>", "<a near miss of it>"  # put in when sending


def fuzz_settings(examples: int):
    """Seeded settings: the same ``examples`` requests on every run, no saved failures."""
    return settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=examples,
        # One app serves every example: the fixtures are shared on purpose.
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


# Text with controls, unicode beyond the BMP and the odd huge run; no lone surrogates, which no
# client can encode (raw bytes, invalid UTF-8 included, go through ``raw_bytes`` instead).
chars = st.characters(exclude_categories=["Cs"])
odd_text = st.one_of(
    st.text(chars, max_size=40),
    st.sampled_from(["", " ", "\x00", "\r\n", "é", "\u202e", "😀", "a" * 300, "%", "%zz", "+&="]),
    st.builds(lambda c, n: c * n, chars, st.sampled_from([2, 40, 1_000, 4_000, 17_000, 70_000])),
)
raw_bytes = st.one_of(
    st.binary(max_size=60),
    st.sampled_from([b"\xff\xfe", b"\x80", b"\xc3(", b"\x00", b"%ff", b"\xed\xa0\x80"]),
)
field_name = st.one_of(st.sampled_from(FIELDS), odd_text)
header_text = st.text(
    st.characters(min_codepoint=0, max_codepoint=255, exclude_characters="\r\n"), max_size=60
)
path = st.one_of(
    st.sampled_from(PATHS),
    st.builds(lambda p, q: p + "?" + q, st.sampled_from(PATHS), st.text(chars, max_size=30)),
    st.builds(lambda b: "/" + quote_from_bytes(b, safe="/%?&=."), raw_bytes),
    st.builds(lambda t: "/" + t.replace("?", ""), st.text(chars, max_size=30)),
)


def form_body(pairs: list[tuple[str | bytes, str | bytes]]) -> bytes:
    """Percent-encode (name, value) pairs; bytes go through as they are, valid or not."""

    def encode(part: str | bytes) -> str:
        return quote_from_bytes(part if isinstance(part, bytes) else part.encode(), safe="")

    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs).encode()


class Tokens:
    """The CSRF token of a test client's session, fetched again once a logout ends the session."""

    def __init__(self, client) -> None:
        self.client = client
        self.refresh()

    def refresh(self) -> None:
        """GET the login form; keep its token."""
        self.value = csrf_token(self.client.get(LOGIN).text)

    def put_in(self, value):
        """Replace the TOKEN and WRONG_TOKEN markers in a generated value."""
        return {TOKEN: self.value, WRONG_TOKEN: self.value[:-1]}.get(value, value)

    def after(self, target: str, status: int) -> None:
        """Fetch a new token if this answer may have ended the session."""
        if target == LOGOUT and status == 200:
            self.refresh()


def login_still_works(app) -> None:
    """Log in, see the secured page and log out with a fresh test client."""
    actions = SessionActions(app.test_client())
    answer = actions.login("alice", "secret")
    assert answer.status_code == 302, answer.status_code
    assert "Welcome USER: alice" in actions.secured_page().text
    assert actions.logout().status_code == 200


def report(statuses: Counter) -> None:
    """Print what the fuzzing got back (shown with ``pytest -rP``)."""
    print(f"{sum(statuses.values())} answers:", dict(sorted(statuses.items(), key=str)))


def note(statuses: Counter, status: int) -> None:
    """Count a status and refuse any 5xx."""
    statuses[status] += 1
    assert status < 500, f"the server answered {status}"


def test_urlencoded_forms_never_get_a_5xx(app, client):
    tokens = Tokens(client)
    statuses: Counter = Counter()

    @fuzz_settings(700)
    @given(
        pairs=st.lists(
            st.tuples(
                st.one_of(field_name, raw_bytes),
                st.one_of(odd_text, raw_bytes, st.sampled_from([TOKEN, WRONG_TOKEN])),
            ),
            max_size=8,
        ),
        real_fields=st.booleans(),
        content_type=st.sampled_from([FORM, FORM + "; charset=latin-1", FORM + "; charset=x"]),
        target=st.sampled_from([LOGIN, LOGIN, LOGIN, SECURED, LOGOUT]),
    )
    def fuzz(pairs, real_fields, content_type, target):
        if real_fields:  # the real fields the list did not set, with usable values
            names = {name for name, _ in pairs}
            usable = {"userid": "bob", "passwd": "x", "csrf_token": TOKEN}
            pairs = pairs + [item for item in usable.items() if item[0] not in names]
        pairs = [(name, tokens.put_in(value)) for name, value in pairs]
        response = client.post(target, data=form_body(pairs), content_type=content_type)
        note(statuses, response.status_code)
        tokens.after(target, response.status_code)

    fuzz()
    report(statuses)
    assert {302, 400, 413} <= set(statuses), statuses  # the fuzz reached every outcome
    login_still_works(app)


def multipart_body(boundary: str, parts: list[tuple], closed: bool) -> bytes:
    """Build a multipart body; a part is (name or None, filename or None, content type, bytes)."""
    chunks = []
    for name, filename, part_type, content in parts:
        disposition = "form-data"
        if name is not None:
            disposition += f'; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        head = f"Content-Disposition: {disposition}\r\n"
        if part_type is not None:
            head += f"Content-Type: {part_type}\r\n"
        chunks.append(f"--{boundary}\r\n{head}\r\n".encode() + content + b"\r\n")
    return b"".join(chunks) + (f"--{boundary}--\r\n".encode() if closed else b"")


def as_bytes(content: str | bytes) -> bytes:
    """Return ``content`` as UTF-8 bytes."""
    return content.encode() if isinstance(content, str) else content


# A file part cut off before the closing boundary: Werkzeug's parser stops with an error (a 400
# here) and drops the part's SpooledTemporaryFile unclosed; it is freed at once, with a warning.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function SpooledTemporaryFile.__del__"
    ":pytest.PytestUnraisableExceptionWarning"
)
def test_multipart_with_files_and_nameless_parts_never_gets_a_5xx(app, client):
    tokens = Tokens(client)
    statuses: Counter = Counter()
    header_safe = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=20)
    part = st.tuples(
        st.one_of(
            st.none(), st.sampled_from(FIELDS), header_safe.map(lambda t: t.replace('"', ""))
        ),
        st.one_of(st.none(), st.just(""), st.just("a.txt"), header_safe),
        st.sampled_from([None, "text/plain", "application/octet-stream", "text/plain; charset=x"]),
        st.one_of(raw_bytes, odd_text.map(str.encode), st.sampled_from([TOKEN, WRONG_TOKEN])),
    )

    @fuzz_settings(550)
    @given(
        parts=st.lists(part, max_size=6),
        closed=st.booleans(),
        boundary=st.sampled_from(["b", "----x", "a" * 70, "é", " "]),
        declared=st.sampled_from(["same", "missing", "other", "quoted"]),
        real_fields=st.booleans(),
    )
    def fuzz(parts, closed, boundary, declared, real_fields):
        content_type = {
            "same": f"multipart/form-data; boundary={boundary}",
            "missing": "multipart/form-data",
            "other": "multipart/form-data; boundary=zzz",
            "quoted": f'multipart/form-data; boundary="{boundary}"',
        }[declared]
        if real_fields:  # the real fields the list did not set, as plain text parts
            names = {name for name, *_ in parts}
            usable = {"userid": b"bob", "passwd": b"x", "csrf_token": TOKEN}
            parts = parts + [(k, None, None, v) for k, v in usable.items() if k not in names]
        parts = [(n, f, t, as_bytes(tokens.put_in(content))) for n, f, t, content in parts]
        body = multipart_body(boundary, parts, closed)
        response = client.post(LOGIN, data=body, content_type=content_type)
        note(statuses, response.status_code)

    fuzz()
    report(statuses)
    assert {400, 302} <= set(statuses), statuses
    login_still_works(app)


def test_cookies_never_get_a_5xx(app):
    raw_client = app.test_client(use_cookies=False)  # the Cookie header goes as generated
    real = SessionActions(app.test_client())
    real.login()
    live_id = real.session_cookie()
    statuses: Counter = Counter()
    sid = st.one_of(
        header_text,
        st.just(live_id),
        st.just(live_id + "A"),
        st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", max_size=200),
        st.builds(lambda n: "A" * n, st.sampled_from([15, 16, 43, 128, 129, 5_000, 70_000])),
    )
    cookie = st.one_of(
        sid.map(lambda v: f"sessionid={v}"),
        st.builds(lambda k, v: f"{k}={v}", header_text, header_text),
        header_text,
    )

    @fuzz_settings(450)
    @given(
        cookies=st.lists(cookie, max_size=12),
        many=st.sampled_from([0, 0, 0, 300]),
        separator=st.sampled_from(["; ", ";", ", ", "\t;"]),
        target=st.sampled_from([LOGIN, SECURED, LOGOUT, "/"]),
    )
    def fuzz(cookies, many, separator, target):
        cookies = cookies + [f"c{i}={i}" for i in range(many)]
        response = raw_client.get(target, headers={"Cookie": separator.join(cookies)})
        note(statuses, response.status_code)

    fuzz()
    report(statuses)
    assert 200 in statuses, statuses
    login_still_works(app)


def test_headers_methods_and_paths_never_get_a_5xx(app, client):
    statuses: Counter = Counter()
    header_name = st.one_of(
        st.sampled_from(
            [
                *["X-Forwarded-For", "X-Forwarded-Host", "Origin", "Referer", "Content-Length"],
                *["Accept", "Accept-Encoding", "Range", "If-None-Match", "Transfer-Encoding"],
                *["Expect", "Authorization", "X-HTTP-Method-Override", "Cookie2", "Connection"],
            ]
        ),
        st.text(
            st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=":"),
            min_size=1,
            max_size=20,
        ),
    )
    host = st.one_of(st.none(), st.sampled_from(HOSTS), header_text)
    content_type = st.one_of(
        st.none(),
        st.sampled_from(
            [
                *[FORM, "multipart/form-data", "multipart/form-data; boundary=", "text/plain"],
                *["application/json", "application/x-www-form-urlencoded; charset=utf-16", "*/*"],
            ]
        ),
        header_text,
    )

    @fuzz_settings(700)
    @given(
        method=st.one_of(
            st.sampled_from(METHODS),
            st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=12),
        ),
        target=path,
        host=host,
        content_type=content_type,
        headers=st.lists(st.tuples(header_name, header_text), max_size=6),
        body=st.one_of(st.just(b""), raw_bytes, st.just(b"userid=a&passwd=b&csrf_token=c")),
    )
    def fuzz(method, target, host, content_type, headers, body):
        sent = [(k, v) for k, v in headers if k.lower() not in ("content-length", "content-type")]
        if host is not None:
            sent.append(("Host", host))
        if content_type is not None:
            sent.append(("Content-Type", content_type))
        response = client.open(target, method=method, headers=sent, data=body)
        note(statuses, response.status_code)

    fuzz()
    report(statuses)
    assert {200, 400, 404, 405} <= set(statuses), statuses
    login_still_works(app)


# ----------------------------------------------------------------------------- raw HTTP

STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3}) ")


def head(line: bytes, *headers: bytes) -> bytes:
    """Return a request head: ``line``, ``headers``, the blank line."""
    return b"\r\n".join([line, *headers, b"", b""])


HOST = b"Host: 127.0.0.1"
raw_method = st.one_of(
    st.sampled_from([b"GET", b"POST", b"HEAD", b"PUT", b"BREW"]), st.binary(max_size=8)
)
raw_target = st.one_of(
    st.sampled_from([LOGIN.encode(), SECURED.encode(), b"/", b"*", b"http://127.0.0.1/", b""]),
    st.binary(max_size=30),
)
raw_version = st.sampled_from(
    [b"HTTP/1.1", b"HTTP/1.0", b"HTTP/0.9", b"HTTP/2.0", b"HTTP/1.1x", b""]
)
chunk_size = st.one_of(
    st.sampled_from([b"0", b"5", b"-1", b"zz", b"ffffffffffffffffff", b"5;ext=1", b" 5", b""]),
    st.integers(0, 70_000).map(lambda n: f"{n:x}".encode()),
)
content_length = st.sampled_from(
    [b"-1", b"abc", b"1e3", b"99999999999999999999", b"5, 5", b"+5", b" 5 ", b"0x10", b"3", b"40"]
)
raw_request = st.one_of(
    # garbage request lines
    st.builds(lambda junk: junk + b"\r\n\r\n", st.binary(max_size=80)),
    st.builds(
        lambda m, t, v: head(b" ".join([m, t, v]), HOST), raw_method, raw_target, raw_version
    ),
    # bad chunking
    st.builds(
        lambda sizes, data, tail: (
            head(b"POST " + LOGIN.encode() + b" HTTP/1.1", HOST, b"Transfer-Encoding: chunked")
            + b"".join(s + b"\r\n" + data + b"\r\n" for s in sizes)
            + tail
        ),
        st.lists(chunk_size, max_size=4),
        st.binary(max_size=20),
        st.sampled_from([b"0\r\n\r\n", b"", b"0\r\nX: y\r\n\r\n", b"\r\n"]),
    ),
    # bad or contradictory Content-Length
    st.builds(
        lambda lengths, te, body: (
            head(
                b"POST " + LOGIN.encode() + b" HTTP/1.1",
                HOST,
                *[b"Content-Length: " + n for n in lengths],
                *([b"Transfer-Encoding: chunked"] if te else []),
            )
            + body
        ),
        st.lists(content_length, min_size=1, max_size=2),
        st.booleans(),
        st.sampled_from([b"", b"userid=a&passwd=b", b"0\r\n\r\n", b"x" * 50]),
    ),
    # odd header lines
    st.builds(
        lambda lines: head(b"GET / HTTP/1.1", HOST, *lines),
        st.lists(
            st.one_of(
                st.binary(max_size=40),
                st.sampled_from(
                    [
                        b"NoColon",
                        b" folded: line",
                        b": empty-name",
                        b"X: \x00\x01",
                        b"Host: evil.example",
                        b"X-Big: " + b"a" * 300_000,
                    ]
                ),
            ),
            max_size=4,
        ),
    ),
    # pure binary
    st.binary(min_size=1, max_size=200),
)


def exchange(port: int, raw: bytes) -> list[int]:
    """Send ``raw`` on a fresh connection, then half-close; return every status answered.

    An empty list is a clean close: the server hung up without an answer.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=15) as connection:
        # The server may answer and hang up before everything is sent (a head too large):
        # what matters is what it answered.
        with contextlib.suppress(OSError):
            connection.sendall(raw)
            connection.shutdown(socket.SHUT_WR)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                answer += chunk
    if not answer:
        return []
    assert answer.startswith(b"HTTP/1."), answer[:80]
    return [int(code) for code in STATUS_LINE.findall(answer)]


def test_raw_malformed_http_gets_a_status_line_or_a_clean_close(live_server):
    statuses: Counter = Counter()

    @fuzz_settings(300)
    @given(raw=raw_request)
    def fuzz(raw):
        answered = exchange(live_server.port, raw)
        if not answered:
            statuses["closed"] += 1
        for status in answered:
            note(statuses, status)

    fuzz()
    report(statuses)
    assert 400 in statuses, statuses
    with requests.Session() as http:
        http.trust_env = False
        assert browser_login(http, live_server.url).status_code == 302
        assert "Welcome USER: alice" in http.get(live_server.url + SECURED, timeout=10).text
