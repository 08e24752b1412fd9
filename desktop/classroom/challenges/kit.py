"""What challenge set-ups and checks share: the lab's cast, and small moves on the window."""

from __future__ import annotations

from desktop.classroom.challenge_log import ChallengeLog, Entry, Hop
from desktop.classroom.scenario_state import lab_defaults
from desktop.classroom.walkthrough import WalkRun

VICTIM = "alice"
FIRST, SECOND = "Browser 1", "Browser 2"


def fresh_lab(window, browsers: int = 1, store: str = "sqlite") -> WalkRun:
    """Start from a clean lab: the store asked for, no switches, ``browsers`` empty browsers."""
    window.controls.switch_store(store, remember=False)
    lab_defaults(window)
    window.close_extra_browsers()
    run = WalkRun(window)
    run.actions.clear_cookies(run.browser(1))
    for number in range(1, browsers + 1):
        run.open(number, "/app_sessions/login/")
    run.browser(1)
    return run


def logins_between(log: ChallengeLog, start: Entry | None, end: Entry, browser: str, user=None):
    """The successful logins of ``browser`` after ``start`` (or from the beginning) and before
    ``end``."""
    entries = log.before(end)
    if start is not None:
        entries = entries[log.index(start) + 1 :]
    return [
        entry
        for entry in entries
        if isinstance(entry, Hop)
        and entry.browser == browser
        and entry.logged_in_as is not None
        and (user is None or entry.logged_in_as == user)
    ]
