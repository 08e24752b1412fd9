"""The lab's browser: one cookie jar, real HTTP with ``requests``, redirects followed hop by hop.

Plain Python, no Qt. One :class:`BrowserClient` must be used from one thread at a time
(a ``requests.Session`` is not thread-safe); the desktop runs it on a worker of its own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from desktop.browser.cookie_policy import SAFE_METHODS, LabCookiePolicy
from desktop.browser.cookie_rules import NAVIGATION, SUBRESOURCE, USER
from desktop.browser.exchange import CookieRow, Exchange, jar_rows
from desktop.browser.hsts import LAB_HEADER, HstsList, internal_redirect, upgraded
from desktop.browser.page_parser import PageInfo, parse_page
from server.paths import LOGIN_PATH, LOGOUT_PATH, SECURED_PATH

if TYPE_CHECKING:
    import requests

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
        self.policy = LabCookiePolicy()
        #: Other sites of the lab this browser may visit (the "page on another site").
        self.other_origins: set[str] = set()
        #: The lab's https address while it serves one, and the CA file that vouches for it.
        self.https_url: str | None = None
        self.ca_file: str | None = None
        self.hsts = HstsList()
        self._counter = 0
        self._http: requests.Session | None = None
        #: The page on screen: where the last navigation ended (its form is what Submit sends).
        self.page: PageResult | None = None

    @property
    def http(self) -> requests.Session:
        """The HTTP session with the cookie jar, made on first use.

        ``requests`` takes a tenth of a second to import; importing it here, on the worker's
        first request, keeps it off the window's start-up.
        """
        if self._http is None:
            import requests

            http = requests.Session()
            http.trust_env = False  # the lab talks to 127.0.0.1 only: no proxies from the env
            http.headers["User-Agent"] = "SessionLab/0.1 (+requests)"
            self.policy.guard(http.cookies)
            # The lab's CA only, never verify=False: an https page that its certificate does
            # not prove is refused, as a browser refuses it.
            http.verify = self.ca_file or True
            self._http = http
        return self._http

    def set_base_url(self, base_url: str) -> None:
        """Point the browser at a restarted server (cookies stay: they do not name a port)."""
        self.base_url = base_url.rstrip("/")

    def set_https(self, https_url: str | None, ca_file: str | None) -> None:
        """Know the lab's https address (None: it serves none) and trust its CA file."""
        self.https_url = https_url.rstrip("/") if https_url else None
        self.ca_file = ca_file
        if self._http is not None:
            self._http.verify = ca_file or True

    @property
    def lab_origin(self) -> str:
        """The lab's address the page on screen came from (http or https), else the http one.

        The browser's buttons act on the page on screen, as its links and form would: on an
        https page they stay on https.
        """
        page = self.page
        if page is not None and self.https_url is not None:
            parts = urlsplit(page.url)
            if f"{parts.scheme}://{parts.netloc}" == self.https_url:
                return self.https_url
        return self.base_url

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        secure: bool = False,
        max_age: int | None = None,
        http_only: bool = True,
        same_site: str = "Lax",
    ) -> tuple[CookieRow, ...]:
        """Put a cookie for the lab's server in the jar, as developer tools let you; return it."""
        host = urlsplit(self.base_url).hostname or ""
        rest = {"SameSite": same_site}
        if http_only:
            rest["HttpOnly"] = None
        self.http.cookies.set(
            name,
            value,
            domain=host,
            path="/",
            secure=secure,
            # Rounded up: the jar keeps whole seconds, and must not cut a short life shorter.
            expires=None if max_age is None else math.ceil(time.time()) + max_age,
            rest=rest,
        )
        return self.jar()

    def delete_cookie(self, name: str) -> tuple[CookieRow, ...]:
        """Remove a cookie of the lab's server from the jar."""
        host = urlsplit(self.base_url).hostname or ""
        for cookie in list(self.http.cookies):
            if cookie.name == name and cookie.domain == host:
                self.http.cookies.clear(cookie.domain, cookie.path, cookie.name)
        return self.jar()

    def clear_cookies(self) -> tuple[CookieRow, ...]:
        """Forget every cookie and the HSTS list, like a browser's "clear site data"."""
        self.http.cookies.clear()
        self.hsts.clear()
        return self.jar()

    def close(self) -> None:
        """Close pooled connections."""
        if self._http is not None:
            self._http.close()

    def jar(self) -> tuple[CookieRow, ...]:
        """Return a snapshot of the cookie jar."""
        return jar_rows(self.http.cookies)

    def url_for(self, path: str) -> str:
        """Return the absolute URL of a path on the lab's server."""
        return urljoin(self.lab_origin + "/", path)

    def is_own_url(self, url: str) -> bool:
        """Tell whether ``url`` points at the lab's server or one of its other sites."""
        target = urlsplit(url)
        origins = {self.base_url, *self.other_origins}
        if self.https_url is not None:
            origins.add(self.https_url)
        return any(
            (target.scheme, target.netloc) == (urlsplit(o).scheme, urlsplit(o).netloc)
            for o in origins
        )

    def open(self, path_or_url: str, on_exchange: ExchangeCallback | None = None) -> PageResult:
        """GET a page, following redirects."""
        return self._navigate("GET", self.url_for(path_or_url), None, on_exchange)

    def login(
        self,
        userid: str,
        passwd: str,
        on_exchange: ExchangeCallback | None = None,
        remember: bool = False,
    ) -> PageResult:
        """Submit the login form with its CSRF token and follow the redirect.

        As a browser does, the form already on screen is the one sent: no second GET. Only when
        the page on screen is not the login form is the form fetched first. A form loaded
        before its session ended carries a stale token; the server refuses it (400).
        """
        form = self.page if self._login_form_on_screen() else None
        fetched = form is None
        if fetched:
            form = self.open(LOGIN_PATH, on_exchange)
        if form.info.form_action is None:
            raise NavigationError("The login page had no form, so nothing was sent.")
        # The form as it stands: with its CSRF token, or without one when the server (its
        # CSRF check switched off) rendered none, as a browser would send it.
        data = {"userid": userid, "passwd": passwd}
        if form.info.csrf_token is not None:
            data = {"csrf_token": form.info.csrf_token, **data}
        if remember and form.info.offers_remember:
            data["remember"] = "y"
        result = self._navigate(
            "POST", self.url_for(LOGIN_PATH), data, on_exchange, referrer=form.url
        )
        return _merge(form, result) if fetched else result

    def _login_form_on_screen(self) -> bool:
        page = self.page
        return (
            page is not None
            and page.info.form_action is not None
            and self.is_own_url(page.url)
            and urlsplit(page.url).netloc == urlsplit(self.lab_origin).netloc
            and urlsplit(page.url).path == LOGIN_PATH
        )

    def submit_form(self, page: PageResult, on_exchange: ExchangeCallback | None = None):
        """Submit the page's first form as it stands, as a click on its button would."""
        if page.info.form_action is None:
            raise NavigationError("That page has no form to submit.")
        target = urljoin(page.url, page.info.form_action)
        data = dict(page.info.form_fields)
        return self._navigate(page.info.form_method, target, data, on_exchange, initiator=page.url)

    def follow_link(
        self, page: PageResult, href: str, on_exchange: ExchangeCallback | None = None
    ) -> PageResult:
        """Click a link of ``page``: a top-level GET that ``page`` started."""
        return self._navigate("GET", urljoin(page.url, href), None, on_exchange, page.url)

    def fetch_embedded(
        self, page: PageResult, src: str, on_exchange: ExchangeCallback | None = None
    ) -> tuple[CookieRow, ...]:
        """Load a resource ``page`` embeds (an image): a GET the page starts, not a navigation.

        The page on screen stays; only the exchange is reported.
        """
        url = self._upgrade_if_hsts(
            "GET", urljoin(page.url, src), page.url, SUBRESOURCE, on_exchange
        )
        if not self.is_own_url(url):
            raise NavigationError(f"The lab's browser only visits its own server, not {url}.")
        exchange, _ = self._send("GET", url, None, page.url, SUBRESOURCE)
        if on_exchange is not None:
            on_exchange(exchange)
        return exchange.jar_after

    def close_and_reopen(self) -> tuple[CookieRow, ...]:
        """Quit and start the browser again: session cookies go, persistent ones stay."""
        self.http.cookies.clear_session_cookies()
        self.page = None
        return self.jar()

    def secured_page(self, on_exchange: ExchangeCallback | None = None) -> PageResult:
        """GET the secured page."""
        return self.open(SECURED_PATH, on_exchange)

    def logout(self, on_exchange: ExchangeCallback | None = None) -> PageResult:
        """Click the page's logout control: its logout form if it has one, else the GET link.

        The tutorial's secured page links to the logout page; a server that logs out only on
        a POST shows a small form instead, and a click on its button submits it.
        """
        page = self.page
        if page is not None and page.info.form_method == "POST":
            action = urljoin(page.url, page.info.form_action or "")
            if urlsplit(action).path == LOGOUT_PATH:
                return self.submit_form(page, on_exchange)
        return self.open(LOGOUT_PATH, on_exchange)

    def _navigate(
        self,
        method: str,
        url: str,
        data: dict | None,
        on_exchange: ExchangeCallback | None,
        initiator: str | None = None,
        referrer: str | None = None,
    ) -> PageResult:
        """Send and follow redirects; ``referrer``: the page of this site whose form sent it."""
        exchanges: list[Exchange] = []

        def report(exchange: Exchange) -> None:
            exchanges.append(exchange)
            if on_exchange is not None:
                on_exchange(exchange)

        kind = USER if initiator is None else NAVIGATION
        for _ in range(MAX_REDIRECTS + 1):
            url = self._upgrade_if_hsts(method, url, initiator, kind, report)
            if not self.is_own_url(url):
                raise NavigationError(f"The lab's browser only visits its own server, not {url}.")
            exchange, response = self._send(method, url, data, initiator, kind, referrer)
            referrer = None  # a redirect's next hop is the browser's own
            report(exchange)
            if not response.is_redirect:
                self.page = PageResult(
                    url,
                    response.status_code,
                    response.text,
                    parse_page(response.text),
                    tuple(exchanges),
                    exchange.jar_after,
                )
                return self.page
            url = urljoin(url, response.headers["Location"])
            # 301/302/303 turn a POST into a GET, as browsers do; 307/308 repeat it.
            if response.status_code in (301, 302, 303):
                method, data = "GET", None
        raise NavigationError(f"More than {MAX_REDIRECTS} redirects; the browser gave up.")

    def _upgrade_if_hsts(
        self,
        method: str,
        url: str,
        initiator: str | None,
        kind: str,
        report: ExchangeCallback | None,
    ) -> str:
        """Return ``url``, or its https twin if its host is on the HSTS list.

        The upgrade is reported as Chrome's developer tools show it: a 307 "Internal
        Redirect" that never left the browser, so nothing went over plain http.
        """
        if not self.hsts.covers(url, time.time()):
            return url
        target = upgraded(url, self.base_url, self.https_url)
        self._counter += 1
        exchange = internal_redirect(self._counter, method, url, target, self.jar())
        exchange = replace(exchange, initiator=initiator, kind=kind)
        if report is not None:
            report(exchange)
        return target

    def _send(
        self,
        method: str,
        url: str,
        data: dict | None,
        initiator: str | None,
        kind: str = USER,
        referrer: str | None = None,
    ):
        before = self.jar()
        started = time.time()
        from requests import Request

        # A GET form sends its fields in the query string, anything else in the body.
        query, body = (data, None) if method in SAFE_METHODS else (None, data)
        prepared = self.http.prepare_request(Request(method, url, params=query, data=body))
        # requests builds the Cookie header from a copy of the jar that ignores our policy;
        # build it again from the jar itself, so browser rules apply and are recorded.
        prepared.headers.pop("Cookie", None)
        self.policy.begin_request(initiator, kind)
        prepared.prepare_cookies(self.http.cookies)
        withheld = tuple(self.policy.withheld)
        self.policy.begin_request(None)
        if initiator is not None:
            # Browsers name the other site in Referer, and in Origin for requests that change
            # things (a POST); a plain GET navigation carries no Origin.
            prepared.headers["Referer"] = initiator
            if method not in SAFE_METHODS:
                prepared.headers["Origin"] = initiator_origin(initiator)
        elif referrer is not None:
            # A form of this site names its page, as browsers do under the server's
            # same-origin Referrer-Policy; over https the CSRF check asks for it.
            prepared.headers["Referer"] = referrer
        response = self.http.send(prepared, allow_redirects=False, timeout=TIMEOUT)
        self.hsts.note(url, response.headers.get(LAB_HEADER), time.time())
        rejected = tuple(self.policy.rejected)
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
            cookies_withheld=withheld,
            initiator=initiator,
            kind=kind,
            cookies_rejected=rejected,
        )
        return exchange, response


def initiator_origin(url: str) -> str:
    """Return the ``Origin`` header a page at ``url`` gives its requests."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _merge(first: PageResult, second: PageResult) -> PageResult:
    return PageResult(
        second.url,
        second.status,
        second.html,
        second.info,
        first.exchanges + second.exchanges,
        second.jar,
    )
