"""Error pages: every client mistake gets a clear 4xx page, never a traceback."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

CSRF_MESSAGE = (
    "The form's CSRF token was missing or wrong, so the server refused the request and nobody "
    "was logged in. Open the login page again and resubmit the form."
)


def _render(error: HTTPException, message: str):
    response = error.get_response()
    response.set_data(
        render_template("error.html", code=error.code, name=error.name, message=message)
    )
    response.content_type = "text/html; charset=utf-8"
    return response


def handle_csrf_error(error: CSRFError):
    """Explain a refused CSRF check (400)."""
    return _render(error, f"{CSRF_MESSAGE} ({error.description})")


def handle_http_error(error: HTTPException):
    """Render any HTTP error as a page that keeps its status and headers (Allow, say)."""
    return _render(error, error.description or "")


def handle_unexpected_error(error: Exception):
    """Log a bug and answer 500 without leaking its details."""
    # A handler for Exception stops Flask from logging the error itself, so log it here.
    current_app.log_exception((type(error), error, error.__traceback__))
    return _render(InternalServerError(), "Something went wrong on the server; it was logged.")


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
