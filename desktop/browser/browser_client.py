"""The lab's browser as a user drives it: log in, the secured page, log out, edit the jar, quit.

Plain Python, no Qt. One :class:`BrowserClient` must be used from one thread at a time
(a ``requests.Session`` is not thread-safe); the desktop runs it on a worker of its own.
"""

from __future__ import annotations

import math
import time
from urllib.parse import urljoin, urlsplit

from desktop.browser.exchange import CookieRow
from desktop.browser.navigator import Navigator
from desktop.browser.page_result import ExchangeCallback, NavigationError, PageResult
from server.paths import LOGIN_PATH, LOGOUT_PATH, SECURED_PATH


class BrowserClient(Navigator):
    """Talks to the session server at ``base_url`` the way a browser does."""

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

    def close_and_reopen(self) -> tuple[CookieRow, ...]:
        """Quit and start the browser again: session cookies go, persistent ones stay."""
        self.http.cookies.clear_session_cookies()
        self.page = None
        return self.jar()

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


def _merge(first: PageResult, second: PageResult) -> PageResult:
    return PageResult(
        second.url,
        second.status,
        second.html,
        second.info,
        first.exchanges + second.exchanges,
        second.jar,
    )
