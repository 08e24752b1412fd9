"""Helpers the tests share: the tutorial's URLs and a browser-like login over real HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

LOGIN = "/app_sessions/login/"
SECURED = "/app_sessions/secured_page/"
LOGOUT = "/app_sessions/logout/"

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """Return the CSRF token of the login form in ``html``."""
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@dataclass
class SessionActions:
    """Drives the tutorial's pages through Flask's test client, as a browser would."""

    client: object

    def login(self, userid: str = "alice", passwd: str = "secret"):
        """GET the form, POST it with its CSRF token; return the POST's response."""
        form = self.client.get(LOGIN)
        return self.client.post(
            LOGIN,
            data={"csrf_token": csrf_token(form.text), "userid": userid, "passwd": passwd},
        )

    def secured_page(self):
        """GET the secured page."""
        return self.client.get(SECURED)

    def logout(self):
        """GET the logout page."""
        return self.client.get(LOGOUT)

    def session_cookie(self) -> str | None:
        """Return the value of the client's session cookie, or None."""
        cookie = self.client.get_cookie("sessionid")
        return cookie.value if cookie else None


def browser_login(
    http: requests.Session, base_url: str, userid: str = "alice", passwd: str = "secret"
) -> requests.Response:
    """Log in over real HTTP with ``http``; return the POST's response (not followed)."""
    form = http.get(base_url + LOGIN, timeout=10)
    return http.post(
        base_url + LOGIN,
        data={"csrf_token": csrf_token(form.text), "userid": userid, "passwd": passwd},
        allow_redirects=False,
        timeout=10,
    )


def submit_login(window, userid: str = "alice", passwd: str = "secret") -> None:
    """Fill the window's login form and press Submit, as a student does (no waiting)."""
    window.browser.userid_edit.setText(userid)
    window.browser.passwd_edit.setText(passwd)
    window.browser.login_button.click()


def page_text(window) -> str:
    """Return the text the desktop window's page view shows."""
    return window.browser.page_view.toPlainText()


PROJECT = Path(__file__).resolve().parents[1]


def loaded_by_import(module: str, *names: str) -> list[bool]:
    """Tell, for each of ``names``, whether importing ``module`` in a fresh interpreter loads it."""
    probe = f"import sys, {module}; print(*[name in sys.modules for name in {names!r}])"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return [word == "True" for word in result.stdout.split()]


def loads_qt(module: str) -> bool:
    """Tell whether importing ``module`` in a fresh interpreter loads PySide6."""
    return loaded_by_import(module, "PySide6") == [True]


class ArrivalsWatch(threading.Event):
    """Stands in for the server's delay switch and notes when a request starts waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()

    def wait(self, timeout=None):
        self.arrived.set()
        return super().wait(timeout)


def poll_until(condition: Callable[[], object], timeout: float, what: str, every: float = 0.05):
    """Return ``condition()`` once it is true; fail naming ``what`` after ``timeout`` seconds.

    For state that gives no signal to wait on: another process (a server starting, a log line,
    Redis expiring a key) or a socket's inner state. Qt code waits with qtbot.waitUntil instead.
    """
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(every)
    return result
