"""Response headers at least as strict as Django's defaults, set with Flask's own hook.

A library such as Flask-Talisman would do this too, but it also forces HTTPS and rewrites the
session cookie's flags, both of which this teaching server must leave visible and under the
teacher's control; one small WSGI middleware is shorter than switching those off.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask

_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _style_hash(app: Flask) -> str:
    # The pages share one inline stylesheet (base.html); allow exactly it, and no other style.
    source, _, _ = app.jinja_env.loader.get_source(app.jinja_env, "base.html")
    style = _STYLE.search(source).group(1)
    digest = hashlib.sha256(style.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(app: Flask) -> str:
    """Return the CSP for the server's pages: no scripts, no frames, forms post only here."""
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {_style_hash(app)}",
            "img-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


class _AddHeaders:
    """WSGI middleware: add ``headers`` to every response that does not set them itself.

    Below Flask, so error pages and responses Flask makes without a view get them too; and a
    list of tuples appended to ``start_response``'s costs far less than a ``Headers`` method
    call per header in an ``after_request`` hook, on every response.
    """

    def __init__(self, wsgi_app, headers: dict[str, str]) -> None:
        self.wsgi_app = wsgi_app
        self.headers = [(name, value) for name, value in headers.items()]
        self.names = frozenset(name.lower() for name in headers)

    def __call__(self, environ, start_response):
        def start_with_headers(status, response_headers, exc_info=None):
            present = {name.lower() for name, _ in response_headers} & self.names
            if present:
                extra = [item for item in self.headers if item[0].lower() not in present]
            else:
                extra = self.headers
            return start_response(status, response_headers + extra, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
    app.wsgi_app = _AddHeaders(
        app.wsgi_app,
        {
            "Content-Security-Policy": content_security_policy(app),
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        },
    )
