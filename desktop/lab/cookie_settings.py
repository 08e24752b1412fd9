"""Lesson switches for the session cookie: its SameSite attribute, and "Remember me".

Neither weakens nor fixes the server: they change what a lesson shows. Each is written to the
lab's running app and to the configuration a restart rebuilds it from (``Lab.config``), so it
survives a restart or a store switch. Plain Python, no Qt.
"""

from __future__ import annotations

from desktop.lab.class_server import ClassServer
from server.remember_me import RememberToken, store_of

#: The session cookie's SameSite choices, as the Server menu lists them; "unset" sends none.
SAME_SITE_CHOICES = ("Strict", "Lax", "None", "unset")
DEFAULT_SAME_SITE = "Lax"


def same_site(lab) -> str:
    """Return the SameSite the lab's session cookie is given (one of SAME_SITE_CHOICES)."""
    value = lab.app.config.get("SESSION_COOKIE_SAMESITE")
    return "unset" if value is None else str(value)


def set_same_site(lab, value: str) -> None:
    """Give the session cookie this SameSite from its next Set-Cookie on ("unset": none)."""
    if value not in SAME_SITE_CHOICES:
        raise ValueError(f"unknown SameSite {value!r}")
    lab.set_config("SESSION_COOKIE_SAMESITE", None if value == "unset" else value)


def remember_me(lab) -> bool:
    """Whether the login form offers "Remember me"."""
    return bool(lab.app.config.get("REMEMBER_ME", False))


def set_remember_me(lab, on: bool) -> None:
    """Offer "Remember me" on the login form, or not (tokens already issued stay valid)."""
    lab.set_config("REMEMBER_ME", on)


def remember_tokens(lab) -> list[RememberToken]:
    """Return the server's remember-me tokens (the store view shows them), the class's too."""
    tokens = store_of(lab.app).tokens()
    if isinstance(lab.share, ClassServer):  # the students' live in its process's memory
        tokens = sorted(tokens + lab.share.remember_tokens, key=lambda token: token.created)
    return tokens


def cookie_settings_default(lab) -> None:
    """Put both back as the tutorial has them: SameSite=Lax, no "Remember me"."""
    set_same_site(lab, DEFAULT_SAME_SITE)
    set_remember_me(lab, False)
