"""Lesson switches of the HTTPS lesson: a Secure session cookie, its name's prefix, and HSTS.

Like :mod:`cookie_settings`, each is written to the lab's running app and to the configuration
a restart rebuilds it from, and none weakens the server. Plain Python, no Qt.
"""

from __future__ import annotations

#: The session cookie's names the lesson offers: the tutorial's, and the two prefixed ones.
COOKIE_NAMES = ("sessionid", "__Secure-sessionid", "__Host-sessionid")
DEFAULT_COOKIE_NAME = "sessionid"
#: How long the lab's browser keeps the host on its HSTS list: long enough for a lesson.
HSTS_SECONDS = 600


def secure_cookie(lab) -> bool:
    """Whether the session cookie is set with the Secure attribute."""
    return bool(lab.app.config["SESSION_COOKIE_SECURE"])


def set_secure_cookie(lab, on: bool) -> None:
    """Mark the session cookie (and the remember-me cookie) Secure from its next Set-Cookie."""
    lab.set_config("SESSION_COOKIE_SECURE", on)


def set_cookie_name(lab, name: str) -> None:
    """Name the session cookie ``name`` (one of :data:`COOKIE_NAMES`) from the next request.

    The server reads only that name from then on: a browser holding the old one is logged out.
    """
    if name not in COOKIE_NAMES:
        raise ValueError(f"unknown cookie name {name!r}")
    lab.set_config("SESSION_COOKIE_NAME", name)


def hsts(lab) -> bool:
    """Whether the https answers tell the lab's browser to use https only (HSTS)."""
    return bool(lab.app.config.get("LAB_HSTS_SECONDS"))


def set_hsts(lab, on: bool) -> None:
    """Send the lab's HSTS header over https (to the lab's browser only), or not."""
    lab.set_config("LAB_HSTS_SECONDS", HSTS_SECONDS if on else 0)


def https_settings_default(lab) -> None:
    """Put the lesson's switches back as the tutorial has them (https itself is left alone)."""
    set_secure_cookie(lab, False)
    set_cookie_name(lab, DEFAULT_COOKIE_NAME)
    set_hsts(lab, False)
