"""Answer only requests whose ``Host`` names this server (Django's ``ALLOWED_HOSTS``).

A page on any web site can make a browser send requests to ``127.0.0.1``; with DNS rebinding it
can even read the answers, under its own host name. Checking the name the browser used stops
that. Flask's ``TRUSTED_HOSTS`` would do it, but its matching drops IPv6 literals (``[::1]``),
so the check is this one hook.
"""

from __future__ import annotations

import re

from flask import Flask, abort, current_app, request

# A host name or IPv4 address, or a bracketed IPv6 address; then an optional port.
_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::[0-9]{1,5})?")


def host_name(header: str) -> str | None:
    """Return the name part of a ``Host`` header (no port), or None if it is malformed."""
    match = _HOST.fullmatch(header.strip().lower())
    return match.group(1) if match else None


def refuse_unknown_hosts() -> None:
    """Abort with 400 unless the request's Host is one of ``ALLOWED_HOSTS``."""
    allowed = current_app.config["ALLOWED_HOSTS"]
    name = host_name(request.environ.get("HTTP_HOST", ""))
    if name is None or name not in allowed:
        abort(
            400,
            "This server answers only to the names it was told to trust "
            f"({', '.join(allowed)}), not to the Host this request named.",
        )


def init_app(app: Flask) -> None:
    """Check the Host of every request, before anything else runs."""
    app.config["ALLOWED_HOSTS"] = [name.lower() for name in app.config["ALLOWED_HOSTS"]]
    app.before_request(refuse_unknown_hosts)
