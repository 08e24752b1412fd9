"""One request at a time, sent as a browser sends it: the cookie jar, its rules, the HSTS list.

Plain Python, no Qt. Real HTTP with ``requests``; a ``requests.Session`` is not thread-safe,
so one sender (and the :class:`~desktop.browser.browser_client.BrowserClient` built on it) must
be used from one thread at a time; the desktop runs it on a worker of its own.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from desktop.browser.cookie_policy import SAFE_METHODS, LabCookiePolicy
from desktop.browser.cookie_rules import USER
from desktop.browser.exchange import CookieRow, Exchange, jar_rows
from desktop.browser.hsts import LAB_HEADER, HstsList, internal_redirect, upgraded
from desktop.browser.page_result import ExchangeCallback

if TYPE_CHECKING:
    import requests

TIMEOUT = (3.0, 10.0)  # connect, read: a slow or vanished server must not hang a worker


class RequestSender:
    """Sends single requests to the lab at ``base_url`` and records each as an :class:`Exchange`.

    It holds what a browser keeps between pages: the cookie jar and its rules, the HSTS list,
    the CA it trusts and the lab's sites it may visit. Redirects and pages are the
    :class:`~desktop.browser.navigator.Navigator`'s, built on it.
    """

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

    def close(self) -> None:
        """Close pooled connections."""
        if self._http is not None:
            self._http.close()

    def jar(self) -> tuple[CookieRow, ...]:
        """Return a snapshot of the cookie jar."""
        return jar_rows(self.http.cookies)

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
