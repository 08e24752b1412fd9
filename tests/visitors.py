"""Visitors: one small interface over Flask's test client and over real HTTP with ``requests``.

A :class:`helpers.SessionActions` wraps either, so one test body proves a behaviour both in
process and through the real threaded server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests
from flask import Flask

COOKIE = "sessionid"


@dataclass(frozen=True)
class Reply:
    """What a test reads from a response, whichever way it travelled."""

    status_code: int
    text: str
    headers: Mapping[str, str]
    set_cookies: list[str]

    @property
    def location(self) -> str | None:
        """The ``Location`` header, or None."""
        return self.headers.get("Location")


@dataclass(frozen=True)
class _Cookie:
    value: str


class ClientTransport:
    """Flask's test client behind the visitor interface.

    A ``Cookie`` header passed explicitly is sent as given, instead of the cookie jar.
    """

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        self._raw = app.test_client(use_cookies=False)

    def request(self, method: str, path: str, *, data=None, headers=None) -> Reply:
        """Send one request; never follow redirects."""
        client = self._raw if headers and "Cookie" in headers else self.client
        response = client.open(path, method=method, data=data, headers=headers)
        return Reply(
            response.status_code,
            response.get_data(as_text=True),
            response.headers,
            response.headers.getlist("Set-Cookie"),
        )

    def get(self, path: str, **kwargs) -> Reply:
        """Send a GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Reply:
        """Send a POST."""
        return self.request("POST", path, **kwargs)

    def get_cookie(self, name: str) -> _Cookie | None:
        """Return the cookie ``name`` from the jar, or None."""
        cookie = self.client.get_cookie(name)
        return _Cookie(cookie.value) if cookie else None

    def set_cookie(self, name: str, value: str) -> None:
        """Put a cookie in the jar, as if the server had set it."""
        self.client.set_cookie(name, value)

    def close(self) -> None:
        """Nothing to release."""


class HttpTransport:
    """A ``requests.Session`` talking to a real server, behind the visitor interface.

    Send a ``Cookie`` header explicitly only from a visitor whose jar is empty.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy between the test and the loopback server

    def request(self, method: str, path: str, *, data=None, headers=None) -> Reply:
        """Send one request; never follow redirects."""
        response = self.http.request(
            method,
            self.base_url + path,
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=10,
        )
        return Reply(
            response.status_code,
            response.text,
            response.headers,
            response.raw.headers.getlist("Set-Cookie"),
        )

    def get(self, path: str, **kwargs) -> Reply:
        """Send a GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Reply:
        """Send a POST."""
        return self.request("POST", path, **kwargs)

    def get_cookie(self, name: str) -> _Cookie | None:
        """Return the cookie ``name`` from the jar, or None."""
        value = self.http.cookies.get(name)
        return _Cookie(value) if value is not None else None

    def set_cookie(self, name: str, value: str) -> None:
        """Put a cookie in the jar for the server's host, as if the server had set it."""
        self.http.cookies.set(name, value, domain="127.0.0.1", path="/")

    def close(self) -> None:
        """Close the pooled connections."""
        self.http.close()
