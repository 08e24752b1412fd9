"""The switches a teacher flips on the lab's server: what each one is called and what it sets.

Plain Python, no Qt. :class:`~desktop.lab.embedded_lab.Lab` keeps which are on.
"""

from __future__ import annotations

from flask import Flask

SHORT_LIFETIMES = (20, 60)  # idle, absolute seconds: expiry within a lesson
WEAK_KEY = "changeme"  # in the attacker's word list, as such keys always are

#: The switches that weaken the server, and how the window names them while they are on.
WEAKENING = {
    "no_rotation": "session id rotation at login is OFF (session fixation works)",
    "no_csrf": "the CSRF check is OFF (login CSRF works)",
    "weak_key": (
        f"the secret key is the weak word {WEAK_KEY!r} (signed cookies and CSRF tokens can be "
        "forged)"
    ),
}


#: The switches that strengthen the server beyond the tutorial (a challenge's "fix"), and how
#: the window names them while they are on.
FIXES = {
    "post_logout": "logout needs a POST with its CSRF token (no link elsewhere can log out)",
}


def apply_switch(app: Flask, name: str, on: bool, generated_key: str) -> None:
    """Set ``app`` as one of :data:`WEAKENING` asks, on or off.

    ``generated_key`` is the secret key that ``weak_key`` off gives back. Raises ValueError for
    a name that is not a switch.
    """
    if name not in WEAKENING:
        raise ValueError(f"unknown switch {name!r}")
    if name == "no_rotation":
        app.config["SESSION_ROTATE_ON_LOGIN"] = not on
    elif name == "no_csrf":
        app.config["WTF_CSRF_ENABLED"] = not on
    elif name == "weak_key":
        app.secret_key = WEAK_KEY if on else generated_key


def apply_fix(app: Flask, name: str, on: bool) -> None:
    """Set ``app`` as one of :data:`FIXES` asks, on or off; ValueError for an unknown name."""
    if name not in FIXES:
        raise ValueError(f"unknown fix {name!r}")
    if name == "post_logout":
        app.config["LOGOUT_REQUIRES_POST"] = on
