"""The lab's browser: one cookie jar, real HTTP with ``requests``, redirects followed hop by hop.

Plain Python, no Qt. One :class:`BrowserClient` must be used from one thread at a time
(a ``requests.Session`` is not thread-safe); the desktop runs it on a worker of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from desktop.exchange import CookieRow, Exchange, jar_rows
from desktop.page_parser import PageInfo, parse_page

LOGIN_PATH = "/app_sessions/login/"
SECURED_PATH = "/app_sessions/secured_page/"
LOGOUT_PATH = "/app_sessions/logout/"

MAX_REDIRECTS = 10
TIMEOUT = (3.0, 10.0)  # connect, read: a slow or vanished server must not hang a worker

ExchangeCallback = Callable[[Exchange], None]


class NavigationError(Exception):
    """A navigation could not complete (a redirect loop, a foreign URL, no CSRF token)."""


@dataclass(frozen=True)
class PageResult:
    """Where a navigation ended: the final page, its parsed contents and every hop."""

    url: str
    status: int
    html: str
    info: PageInfo
    exchanges: tuple[Exchange, ...] = field(default_factory=tuple)
    jar: tuple[CookieRow, ...] = field(default_factory=tuple)


class BrowserClient:
    """Talks to the session server at ``base_url`` the way a browser does."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.trust_env = False  # the lab talks to 127.0.0.1 only: no proxies from the env
        self.http.headers["User-Agent"] = "SessionLab/0.1 (+requests)"
        self._counter = 0

    def close(self) -> None:
        """Close pooled connections."""
        self.http.close()

    def jar(self) -> tuple[CookieRow, ...]:
        """Return a snapshot of the cookie jar."""
        return jar_rows(self.http.cookies)

    def url_for(self, path: str) -> str:
        """Return the absolute URL of a path on the lab's server."""
        return urljoin(self.base_url + "/", path)

    def is_own_url(self, url: str) -> bool:
        """Tell whether ``url`` points at the lab's server."""
        target, base = urlsplit(url), urlsplit(self.base_url)
        return (target.scheme, target.netloc) == (base.scheme, base.netloc)

    def open(self, path_or_url: str, on_exchange: ExchangeCallback | None = None) -> PageResult:
        """GET a page, following redirects."""
        return self._navigate("GET", self.url_for(path_or_url), None, on_exchange)

    def login(
        self, userid: str, passwd: str, on_exchange: ExchangeCallback | None = None
    ) -> PageResult:
        """GET the form, read its CSRF token, POST it and follow the redirect."""
        form = self.open(LOGIN_PATH, on_exchange)
        if form.info.csrf_token is None:
            raise NavigationError("The login page had no CSRF token, so the form was not sent.")
        data = {"csrf_token": form.info.csrf_token, "userid": userid, "passwd": passwd}
        result = self._navigate("POST", self.url_for(LOGIN_PATH), data, on_exchange)
        return _merge(form, result)

    def secured_page(self, on_exchange: ExchangeCallback | None = None) -> PageResult:
        """GET the secured page."""
        return self.open(SECURED_PATH, on_exchange)

    def logout(self, on_exchange: ExchangeCallback | None = None) -> PageResult:
        """GET the logout page."""
        return self.open(LOGOUT_PATH, on_exchange)

    def _navigate(
        self, method: str, url: str, data: dict | None, on_exchange: ExchangeCallback | None
    ) -> PageResult:
        exchanges: list[Exchange] = []
        for _ in range(MAX_REDIRECTS + 1):
            if not self.is_own_url(url):
                raise NavigationError(f"The lab's browser only visits its own server, not {url}.")
            exchange, response = self._send(method, url, data)
            exchanges.append(exchange)
            if on_exchange is not None:
                on_exchange(exchange)
            if not response.is_redirect:
                return PageResult(
                    url,
                    response.status_code,
                    response.text,
                    parse_page(response.text),
                    tuple(exchanges),
                    exchange.jar_after,
                )
            url = urljoin(url, response.headers["Location"])
            # 301/302/303 turn a POST into a GET, as browsers do; 307/308 repeat it.
            if response.status_code in (301, 302, 303):
                method, data = "GET", None
        raise NavigationError(f"More than {MAX_REDIRECTS} redirects; the browser gave up.")

    def _send(self, method: str, url: str, data: dict | None):
        before = self.jar()
        started = time.time()
        response = self.http.request(method, url, data=data, allow_redirects=False, timeout=TIMEOUT)
        self._counter += 1
        request = response.request
        body = request.body or ""
        exchange = Exchange(
            number=self._counter,
            method=method,
            url=url,
            path=urlsplit(url).path or "/",
            status=response.status_code,
            reason=response.reason or "",
            request_headers=tuple(request.headers.items()),
            response_headers=tuple(response.raw.headers.items()),
            request_body=body.decode("utf-8", "replace") if isinstance(body, bytes) else body,
            response_body=response.text,
            jar_before=before,
            jar_after=self.jar(),
            started=started,
            elapsed=response.elapsed.total_seconds(),
        )
        return exchange, response


def _merge(first: PageResult, second: PageResult) -> PageResult:
    return PageResult(
        second.url,
        second.status,
        second.html,
        second.info,
        first.exchanges + second.exchanges,
        second.jar,
    )
