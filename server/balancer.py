"""The lab's load balancer: a tiny round-robin HTTP reverse proxy, for teaching only.

It stands in front of two (or more) lab servers, as nginx or HAProxy would in production, and
shows what they do to sessions: each request goes to the next server in turn; with sticky
sessions on, the balancer's own cookie (``SERVERID``, HAProxy's usual name) pins a browser to
the server that answered it first. It is a WSGI app, served by waitress like the lab server,
and forwards with urllib3, the pool under requests: thread-safe, with explicit timeouts, and
it hands back each ``Set-Cookie`` header separately.

It never fails on what a client sends: waitress answers malformed HTTP with 400, a method it
does not forward gets 405, and a server it cannot reach a short page saying so (503 when no
server would take the request, 502 when one failed while answering). Plain Python, no Qt.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from html import escape
from http import HTTPStatus
from urllib.parse import quote, urlsplit

import urllib3

log = logging.getLogger(__name__)

STICKY_COOKIE = "SERVERID"
#: Names the balancer in every answer (RFC 9110's Via), so the lab can draw it as a device.
VIA = "1.1 lab-balancer"
SERVER_HEADER = "X-Lab-Server"  # which lab server answered; added by the servers themselves
#: Why the balancer chose that server: "round robin", "sticky" (its cookie) or "failover" (the
#: server in turn refused the connection), so the lab's timeline can say it.
ROUTE_HEADER = "X-Lab-Balancer"
FORWARDED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MAX_BODY = 1 << 20  # bytes: the lab server's own limit is smaller and answers 413 first
# Hop-by-hop headers (RFC 9110 7.6.1) end at the balancer; waitress sets its own framing.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# A path character outside these is percent-encoded before the request goes on.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
# In the target as the client sent it, its %-escapes stay as they are.
_RAW_SAFE = _PATH_SAFE + "%?"

StartResponse = Callable[..., object]


def _page(status: HTTPStatus, message: str) -> bytes:
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{status.value} {status.phrase} – load balancer</title></head><body>"
        f"<h1>{status.value} {status.phrase}</h1><p>{escape(message)}</p>"
        "<p><small>Answered by the lab's load balancer, not by a lab server.</small></p>"
        "</body></html>\n"
    ).encode()


class Balancer:
    """Forwards each request to one of ``servers`` (name → base URL), in turn.

    ``sticky`` may be changed while serving. Safe under waitress's worker threads: the turn is
    taken under a lock, and urllib3's pool is thread-safe.
    """

    def __init__(
        self, servers: Mapping[str, str], sticky: bool = False, timeout: float = 10.0
    ) -> None:
        if not servers:
            raise ValueError("a balancer needs at least one server")
        self.servers = dict(servers)
        self.sticky = sticky
        self._turns = itertools.cycle(list(self.servers))
        self._lock = threading.Lock()
        # No retries: a refused connection moves on to the next server here, and a request
        # that reached a server is never sent twice.
        self._pool = urllib3.PoolManager(
            num_pools=4,
            maxsize=8,
            retries=False,
            timeout=urllib3.Timeout(connect=2.0, read=timeout),
        )

    def close(self) -> None:
        """Close the connections to the servers."""
        self._pool.clear()

    def _next(self) -> str:
        with self._lock:
            return next(self._turns)

    def _choices(self, pinned: str | None) -> list[str]:
        """The servers to try in order: the pinned one alone, else the next in turn, then the
        others (a server that refuses connections is skipped, as nginx's ``proxy_next_upstream
        error`` does)."""
        if pinned is not None:
            return [pinned]
        first = self._next()
        names = list(self.servers)
        start = names.index(first)
        return names[start:] + names[:start]

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._handle(environ, start_response)
        except Exception:  # a teaching device answers, whatever went wrong
            log.exception("the load balancer failed on a request")
            return self._answer(
                start_response,
                HTTPStatus.BAD_GATEWAY,
                "The load balancer failed while passing this request on.",
            )

    def _handle(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "")
        if method not in FORWARDED_METHODS:
            return self._answer(
                start_response,
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"The load balancer does not pass on {method!r} requests.",
                [("Allow", ", ".join(sorted(FORWARDED_METHODS)))],
            )
        body = _read_body(environ)
        if isinstance(body, HTTPStatus):
            return self._answer(
                start_response,
                body,
                "The request's body was too large or did not match its Content-Length.",
            )
        headers = _forwarded_headers(environ)
        pinned = self._pinned(environ) if self.sticky else None
        target = _target(environ)
        for attempt, name in enumerate(self._choices(pinned)):
            try:
                response = self._pool.request(
                    method,
                    self.servers[name] + target,
                    body=body,
                    headers=headers,
                    redirect=False,
                    preload_content=True,
                    decode_content=False,
                )
            except urllib3.exceptions.NewConnectionError:
                log.info("server %s refused the connection", name)
                continue
            except urllib3.exceptions.HTTPError as error:
                return self._answer(
                    start_response,
                    HTTPStatus.BAD_GATEWAY,
                    f"Server {name} failed while answering ({type(error).__name__}).",
                )
            route = "sticky" if pinned else "failover" if attempt else "round robin"
            stick = self.sticky and not pinned
            return self._relay(start_response, response, name, route, stick)
        if pinned is not None:
            message = (
                f"This browser's {STICKY_COOKIE} cookie pins it to server {pinned}, and server "
                f"{pinned} is not answering."
            )
        else:
            message = "None of the lab servers behind the load balancer is answering."
        return self._answer(start_response, HTTPStatus.SERVICE_UNAVAILABLE, message)

    def _pinned(self, environ: dict) -> str | None:
        """The server the request's sticky cookie names, if it names one of ours."""
        for part in environ.get("HTTP_COOKIE", "").split(";"):
            name, sep, value = part.strip().partition("=")
            if sep and name == STICKY_COOKIE and value in self.servers:
                return value
        return None

    def _relay(
        self, start_response: StartResponse, response, name: str, route: str, stick: bool
    ) -> Iterable[bytes]:
        headers = [
            (key, value)
            for key, value in response.headers.iteritems()
            # waitress names itself as the Server (and would add a Via for a Server it got)
            if key.lower() not in HOP_BY_HOP and key.lower() != "server"
        ]
        headers += [("Via", VIA), (ROUTE_HEADER, route)]
        if stick:
            headers.append(
                ("Set-Cookie", f"{STICKY_COOKIE}={name}; Path=/; HttpOnly; SameSite=Lax")
            )
        status = f"{response.status} {response.reason or _phrase(response.status)}"
        start_response(status, headers)
        return [response.data]

    @staticmethod
    def _answer(
        start_response: StartResponse,
        status: HTTPStatus,
        message: str,
        extra: list[tuple[str, str]] | None = None,
    ) -> Iterable[bytes]:
        page = _page(status, message)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(page))),
            ("Cache-Control", "no-store"),
            ("Via", VIA),
            *(extra or []),
        ]
        start_response(f"{status.value} {status.phrase}", headers)
        return [page]


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _read_body(environ: dict) -> bytes | HTTPStatus:
    """The request's body, or the status refusing it (too large, or not as long as it said)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HTTPStatus.BAD_REQUEST
    if length > MAX_BODY:
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    if length < 0:
        return HTTPStatus.BAD_REQUEST
    body = environ["wsgi.input"].read(length) if length else b""
    return body if len(body) == length else HTTPStatus.BAD_REQUEST


def _target(environ: dict) -> str:
    """The request's path and query as they go on (WSGI strings are Latin-1 bytes).

    A transparent device passes the target on as the client wrote it: PATH_INFO is already
    decoded, so ``/a%2541`` would reach the server as ``/a%41`` and ``%2F`` as ``/``. The raw
    target (waitress's REQUEST_URI, nginx's ``$request_uri``) is used instead; PATH_INFO only
    where a server gives no raw target.
    """
    uri = _raw_target(environ)
    if uri is not None:
        path = quote(uri.encode("latin-1", "replace"), safe=_RAW_SAFE)
    else:
        raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        path = quote(raw.encode("latin-1", "replace"), safe=_PATH_SAFE)
        query = environ.get("QUERY_STRING", "")
        if query:  # never decoded by WSGI
            path += "?" + quote(query.encode("latin-1", "replace"), safe=_RAW_SAFE)
    return path if path.startswith("/") else "/" + path


def _raw_target(environ: dict) -> str | None:
    """The path and query as the client sent them, or None where the server gives none."""
    uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not uri:
        return None
    if not uri.startswith("/"):  # absolute form (a proxy request) or "*"
        try:
            parts = urlsplit(uri)
        except ValueError:  # "http://[": the decoded PATH_INFO is all there is
            return None
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
    return uri.partition("#")[0]


def _forwarded_headers(environ: dict) -> dict[str, str]:
    """The request's end-to-end headers, the Host it named, and who it came from."""
    headers: dict[str, str] = {}
    listed = {token.strip().lower() for token in environ.get("HTTP_CONNECTION", "").split(",")}
    for key, value in environ.items():
        if not key.startswith("HTTP_"):
            continue
        name = key[5:].replace("_", "-").title()
        if name.lower() in HOP_BY_HOP or name.lower() in listed:
            continue
        headers[name] = value
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = environ[key]
    # The Host the browser used goes on, as nginx's "proxy_set_header Host $host": the lab
    # servers trust loopback names on any port, and their pages' links stay the balancer's.
    headers["Host"] = environ.get("HTTP_HOST") or (
        f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"
    )
    peer = environ.get("REMOTE_ADDR", "")
    prior = environ.get("HTTP_X_FORWARDED_FOR")
    headers["X-Forwarded-For"] = f"{prior}, {peer}" if prior else peer
    headers["X-Forwarded-Proto"] = environ.get("wsgi.url_scheme", "http")
    return headers


def name_server(wsgi_app: Callable, name: str) -> Callable:
    """Wrap ``wsgi_app`` so every answer says ``X-Lab-Server: name`` (the balancer lesson's
    servers only, so the timeline can tell which one answered)."""

    def named(environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, (SERVER_HEADER, name)], exc_info)

        return wsgi_app(environ, start)

    return named
