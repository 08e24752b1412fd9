"""Pages of the lab's browser: redirects followed hop by hop, links, forms and embedded images.

Plain Python, no Qt. The page on screen is where the last navigation ended; the browser's
buttons act on it, as its links and form would.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from desktop.browser.cookie_rules import NAVIGATION, SUBRESOURCE, USER
from desktop.browser.exchange import CookieRow, Exchange
from desktop.browser.page_parser import parse_page
from desktop.browser.page_result import ExchangeCallback, NavigationError, PageResult
from desktop.browser.request_sender import RequestSender

MAX_REDIRECTS = 10


class Navigator(RequestSender):
    """Navigates the lab's sites as a browser does, keeping the page on screen."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        #: The page on screen: where the last navigation ended (its form is what Submit sends).
        self.page: PageResult | None = None

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

    def url_for(self, path: str) -> str:
        """Return the absolute URL of a path on the lab's server."""
        return urljoin(self.lab_origin + "/", path)

    def open(self, path_or_url: str, on_exchange: ExchangeCallback | None = None) -> PageResult:
        """GET a page, following redirects."""
        return self._navigate("GET", self.url_for(path_or_url), None, on_exchange)

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
