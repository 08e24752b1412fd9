"""Refuse, with a 400, form posts that no browser sends and that the libraries below trip on."""

from __future__ import annotations

from flask import Flask, abort, request


def refuse_nameless_form_parts() -> None:
    """Abort with 400 when a posted form has a part without a name."""
    if request.method == "POST" and (None in request.form or None in request.files):
        # Werkzeug keys a multipart part with no name under None; Flask-WTF expects strings.
        abort(400, "Every part of a form must have a name.")


def init_app(app: Flask) -> None:
    """Register the check before every request (before the CSRF check, which reads the form)."""
    app.before_request(refuse_nameless_form_parts)
