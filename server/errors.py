"""Error pages: every client mistake gets a clear 4xx page, a failing store a 503, never a trace."""

from __future__ import annotations

from html import escape

from flask import Flask, Response, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from server.paths import LOGIN_PATH

CSRF_MESSAGE = (
    "The form's CSRF token was missing or wrong, so the server refused the request and nobody "
    "was logged in. Open the login page again and resubmit the form."
)
STORE_MESSAGE = (
    "The server cannot read or write its session store right now (the disk may be full or the "
    "database damaged), so it cannot keep your session. Nothing was changed; try again later."
)

_PLAIN_PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{code} {name}</title>'
    '</head><body><h1>{code} {name}</h1><p>{message}</p><p><a href="{login}">Back to the login '
    "page</a></p></body></html>\n"
)


def error_page(code: int, name: str, message: str) -> str:
    """Return the HTML of an error page.

    The template may need what a broken request lacks (its URL adapter, after a bad Host), so
    a page that cannot be rendered falls back to plain, escaped HTML: an error page never fails.
    """
    try:
        return render_template(
            "error.html", code=code, name=name, message=message, login_path=LOGIN_PATH
        )
    except Exception:
        return _PLAIN_PAGE.format(
            code=code, name=escape(name), message=escape(message), login=LOGIN_PATH
        )


def _render(error: HTTPException, message: str) -> Response:
    response = error.get_response()
    response.set_data(error_page(error.code, error.name, message))
    response.content_type = "text/html; charset=utf-8"
    return response


def become_store_unavailable(response: Response) -> None:
    """Turn ``response`` into the 503 page (a failure found after the view had answered)."""
    error = ServiceUnavailable()
    response.status_code = error.code
    response.set_data(error_page(error.code, error.name, STORE_MESSAGE))
    response.content_type = "text/html; charset=utf-8"
    response.headers.pop("Location", None)
    response.headers["Retry-After"] = "10"


def handle_csrf_error(error: CSRFError):
    """Explain a refused CSRF check (400)."""
    return _render(error, f"{CSRF_MESSAGE} ({error.description})")


def handle_http_error(error: HTTPException):
    """Render any HTTP error as a page that keeps its status and headers (Allow, say)."""
    if isinstance(error, ServiceUnavailable):
        return _render(error, STORE_MESSAGE)
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
