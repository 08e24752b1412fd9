"""Challenges as data: a goal, hints, a check of what happened, and the fix that stops it.

A challenge is judged by :attr:`Challenge.check` from a :class:`ChallengeLog` alone, so it is
solved only by the observed attack, never by a button. Plain Python: the panel renders these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.classroom.challenge_log import ChallengeLog


@dataclass(frozen=True)
class Verdict:
    """What the lab concludes: ``solved``, or ``shortcut`` (the goal, but not by the attack)."""

    kind: str
    message: str = ""


#: Returned while nothing decisive has happened yet.
NOT_YET = None


@dataclass(frozen=True)
class Fix:
    """The lab setting that stops the attack ("Try again with the fix on")."""

    label: str
    #: Applies the fix to a lab window (the window passes itself; see LabWindow).
    apply: Callable[[Any], None]


@dataclass(frozen=True)
class Challenge:
    """One attack for students to carry out, and how the lab recognises it."""

    key: str
    title: str
    goal: str
    hints: tuple[str, ...]
    #: Sets the lab up for the attack (browsers, store, switches); gets the window.
    setup: Callable[[Any], None]
    check: Callable[[ChallengeLog], Verdict | None]
    #: Shown once solved: what happened, in two or three sentences.
    explanation: str
    mitigation: str
    #: How a teacher solves it, for the "Show solutions" switch.
    solution: str
    fix: Fix | None = None


def solved(message: str = "") -> Verdict:
    """Return a verdict that the attack was carried out."""
    return Verdict("solved", message)


def shortcut(message: str) -> Verdict:
    """Return a verdict that the goal was reached without the attack."""
    return Verdict("shortcut", f"That's not the attack: {message}")
