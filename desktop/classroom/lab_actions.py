"""What a teacher does to the lab in one click: the actions behind the menus and walkthroughs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from desktop import __version__
from desktop.browser.lab_browser import LabBrowser
from desktop.classroom.lab_window import LabWindow
from desktop.lab import cookie_settings
from desktop.lab.lab_switches import SHORT_LIFETIMES
from server.config import DEFAULTS
from server.other_site import LOGIN_BAIT, LOGOUT_BAIT, THREE_REQUESTS
from server.paths import LOGIN_PATH

if TYPE_CHECKING:
    from desktop.inspectors.cookie_forensics import KeyGuess

log = logging.getLogger(__name__)

DEFAULT_LIFETIMES = (DEFAULTS["SESSION_IDLE_LIFETIME"], DEFAULTS["SESSION_ABSOLUTE_LIFETIME"])


class LabActions:
    """Acts on a window's lab and browsers."""

    def __init__(self, window: LabWindow) -> None:
        self.window = window

    @property
    def cookie_name(self) -> str:
        """The session cookie's name."""
        return self.window.lab.cookie_name

    def clear_cookies(self, browser: LabBrowser | None = None) -> None:
        """Clear a browser's cookies, like its "clear site data"."""
        (browser or self.window.current_browser).controller.clear_cookies()

    def add_cookie(self, browser: LabBrowser, name: str, value: str, **attributes) -> None:
        """Put a cookie in a browser's jar, as developer tools allow."""
        browser.controller.set_cookie(name, value, **attributes)

    def copy_session_cookie(self, source: LabBrowser, target: LabBrowser) -> str | None:
        """Copy the session cookie from one jar to another (what a session thief does)."""
        value = source.cookie(self.cookie_name)
        if value is not None:
            target.controller.set_cookie(self.cookie_name, value)
        return value

    def plant_session_id(self, victim: LabBrowser, sid: str) -> None:
        """Put an attacker's session id in the victim's jar (session fixation)."""
        victim.controller.set_cookie(self.cookie_name, sid)

    def visit_other_site(self, browser: LabBrowser | None = None, page: str = LOGIN_BAIT) -> str:
        """Open a page on another site and click its button (login CSRF); return its URL."""
        browser = browser or self.window.current_browser
        url = self.window.lab.other_site_url(page)
        browser.controller.open_and_submit_form(url)
        return url

    def visit_logout_bait(self, browser: LabBrowser | None = None) -> str:
        """Open the other site's free-ticket page and click it: a GET of the lab's logout."""
        return self.visit_other_site(browser, LOGOUT_BAIT)

    def three_requests(self, browser: LabBrowser | None = None) -> str:
        """From the other site's page, follow its link, submit its POST form, load its image.

        Three visits of the same page, one request of each kind, in that order; return its URL.
        """
        browser = browser or self.window.current_browser
        url = self.window.lab.other_site_url(THREE_REQUESTS)
        browser.controller.open_and_follow_link(url)
        browser.controller.open_and_submit_form(url)
        browser.controller.open_with_images(url)
        return url

    def set_same_site(self, value: str) -> None:
        """Give the session cookie this SameSite (Strict, Lax, None or unset) from now on."""
        cookie_settings.set_same_site(self.window.lab, value)
        attribute = "no SameSite attribute" if value == "unset" else f"SameSite={value}"
        self.window.status.show_message(
            f"The session cookie is now set with {attribute}, from the next Set-Cookie on "
            "(log in again to get it)."
        )

    def set_remember_me(self, on: bool) -> None:
        """Offer "Remember me" on the login form, or not."""
        lab = self.window.lab
        cookie_settings.set_remember_me(lab, on)
        for browser in self.window.browsers:
            browser.pane.set_remember_offered(on)
        self.window.inspectors.show_remember_tokens(cookie_settings.remember_tokens(lab), on)

    def close_and_reopen(self, browser: LabBrowser | None = None) -> None:
        """Quit and restart a browser: its session cookies go, its persistent cookies stay."""
        browser = browser or self.window.current_browser
        browser.controller.close_and_reopen()
        self.window.status.show_message(
            f"{browser.name} was closed and reopened: session cookies (no Expires or Max-Age) "
            "are gone, persistent ones are kept."
        )

    def set_short_lifetimes(self, on: bool) -> None:
        """Make sessions expire within a lesson (20 s idle, 60 s at most), or back to normal."""
        idle, absolute = SHORT_LIFETIMES if on else DEFAULT_LIFETIMES
        self.window.controls.set_lifetimes(idle, absolute)

    def rotate_secret_key(self) -> None:
        """Replace the server's secret key: every signed cookie stops being accepted."""
        self.window.lab.rotate_secret_key()
        self.window.status.show_message("The server has a new secret key.")

    def guess_key_and_forge(self, attacker: LabBrowser, userid: str = "admin") -> KeyGuess:
        """Guess the key from the attacker's own cookie; if found, forge a session for a user."""
        from desktop.inspectors.cookie_forensics import KeyGuess, forge_cookie, guess_secret_key

        own = attacker.cookie(self.cookie_name)
        guess = guess_secret_key(own) if own else KeyGuess(None, 0)
        if guess.key is not None:
            attacker.controller.set_cookie(
                self.cookie_name, forge_cookie(guess.key, {"userid": userid})
            )
        return guess

    def open_in_system_browser(self) -> bool:
        """Open the lab's login page in the system's default browser."""
        return QDesktopServices.openUrl(QUrl(self.window.lab.url + LOGIN_PATH))

    def export_har(self, path: Path, *, hide_secrets: bool = True) -> Path:
        """Write the timeline as a HAR 1.2 file, its secrets hidden unless asked otherwise."""
        from desktop.inspectors.har_export import write_har

        entries = self.window.inspectors.traffic_model.entries()
        write_har(path, entries, creator_version=__version__, hide_secrets=hide_secrets)
        return path

    def reset_lab(self) -> None:
        """Back to a clean lab: no sessions, one browser with an empty jar, switches off.

        Requests in flight are cancelled first (see :class:`~desktop.classroom.lab_reset.LabReset`).
        """
        self.window.lab_reset.start()
