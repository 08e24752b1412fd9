"""Name a browser from its User-Agent header, the way a teacher would: "Firefox on Android".

A handful of patterns cover the browsers a classroom brings; the order matters, since most
browsers also claim to be the ones they grew from (Edge says Chrome and Safari, Chrome says
Safari, every one says Mozilla). Anything unrecognised is named by its first word, cut short.
"""

from __future__ import annotations

import re

# (name, pattern), the first that matches wins.
_BROWSERS = (
    ("Session Lab", re.compile(r"SessionLab/")),
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Vivaldi", re.compile(r"Vivaldi/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
    ("curl", re.compile(r"^curl/")),
    ("Python requests", re.compile(r"^python-requests/")),
    ("Wget", re.compile(r"^Wget/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Macintosh|Mac OS X")),
    ("Linux", re.compile(r"Linux|X11")),
)
_HEADLESS = re.compile(r"Headless")
_FIRST_WORD = re.compile(r"[A-Za-z][A-Za-z0-9 ._-]{0,23}")


def browser_name(user_agent: str) -> str:
    """Return "Firefox on Android", "Chrome on Windows", "curl", or "Unknown browser"."""
    user_agent = user_agent or ""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), None)
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), None)
    if browser is None:
        word = _FIRST_WORD.match(user_agent.strip())
        browser = word.group(0).split("/")[0].strip() if word else "Unknown browser"
    if _HEADLESS.search(user_agent):
        browser = f"Headless {browser}"
    return f"{browser} on {system}" if system else browser
