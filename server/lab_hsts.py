"""HSTS for the lab's browser only: a stand-in header that no real browser acts on.

A browser that gets ``Strict-Transport-Security`` over https uses https for that host until
``max-age`` runs out, and it keys that by host name alone, not port: sent for ``localhost`` or
``127.0.0.1`` it would stick to every other project a student later runs on this computer, on
any port, long after the lesson. So this server never sends that header. With the lesson's
switch on (``LAB_HSTS_SECONDS`` above 0), its https answers carry the same value under
:data:`LAB_HEADER`, which only the lab's own browser reads and obeys as HSTS.
"""

from __future__ import annotations

from flask import Flask, Response, request

REAL_HEADER = "Strict-Transport-Security"
LAB_HEADER = "Session-Lab-Strict-Transport-Security"


def add_lab_hsts(response: Response) -> Response:
    """Over https, with the switch on, say "HSTS" in the lab's own header; never the real one."""
    from flask import current_app

    # Taken out even when a view or another hook set it (hooks added later run before this one).
    response.headers.pop(REAL_HEADER, None)
    seconds = int(current_app.config.get("LAB_HSTS_SECONDS") or 0)
    # Browsers ignore HSTS heard over plain http (a network attacker could send it); so does
    # the lab's browser, and the server does not send it there at all.
    if seconds > 0 and request.is_secure:
        response.headers[LAB_HEADER] = f"max-age={seconds}"
    return response


def init_app(app: Flask) -> None:
    """Add the lab's HSTS header to https answers while the lesson's switch is on."""
    app.after_request(add_lab_hsts)
