"""Guided walkthroughs: numbered steps, each performed by a Next button and then explained."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.browser.lab_browser import LabBrowser
from desktop.classroom.lab_actions import LabActions
from desktop.classroom.lab_window import LabWindow
from desktop.inspectors.narration import short_id

WELCOME = "Welcome USER: {} !, You have access to this Secure Page"
NOT_LOGGED_IN = "You are not logged in, Cannot access this page"


class WalkRun:
    """What a step's action and explanation see: the window, its actions and a scratchpad."""

    def __init__(self, window: LabWindow) -> None:
        self.window = window
        self.actions = LabActions(window)
        #: Values one step leaves for the next (an attacker's session id, say).
        self.notes: dict[str, Any] = {}

    def browser(self, number: int) -> LabBrowser:
        """Return Browser ``number``, opening browsers until it exists."""
        while len(self.window.browsers) < number:
            self.window.add_browser()
        browser = self.window.browsers[number - 1]
        self.window.tabs.setCurrentWidget(browser.pane)
        return browser

    # Steps ask the browser's worker directly rather than click its buttons: a button is
    # disabled while its browser is busy, and a step may queue after a page still loading.
    def login(self, number: int, userid: str, passwd: str = "secret") -> None:
        """Fill in Browser ``number``'s login form and submit it (the form on screen)."""
        browser = self.browser(number)
        browser.pane.userid_edit.setText(userid)
        browser.pane.passwd_edit.setText(passwd)
        browser.controller.login(userid, passwd)

    def secured_page(self, number: int) -> None:
        """Open Browser ``number``'s secured page (its button)."""
        self.browser(number).controller.secured_page()

    def logout(self, number: int) -> None:
        """Log Browser ``number`` out (its button)."""
        self.browser(number).controller.logout()

    def switch_store(self, store: str) -> None:
        """Restart the server on another store for this scenario (not saved as a choice)."""
        self.window.controls.switch_store(store, remember=False)

    def open(self, number: int, path: str) -> None:
        """Navigate Browser ``number`` to ``path``."""
        self.browser(number).controller.open(path)

    def sid(self, number: int) -> str | None:
        """Return the session cookie Browser ``number`` holds."""
        return self.browser(number).cookie(self.window.lab.cookie_name)

    def short(self, sid: str | None) -> str:
        """Return the first characters of a session id, as the timeline shows them."""
        return short_id(sid)


Action = Callable[[WalkRun], None]
Text = str | Callable[[WalkRun], str]


@dataclass(frozen=True)
class Step:
    """One numbered step: what Next does, and what the student should see afterwards."""

    title: str
    #: What Next does; a tuple of actions runs them one after another, each once the lab's
    #: browsers are idle again (log in, *then* restart the server).
    action: Action | tuple[Action, ...]
    explanation: Text
    #: Select the inspector row the step changed (a session id, a cookie name…).
    highlight: Callable[[WalkRun], None] | None = None
    #: For steps that wait on the clock (expiry): done once this is true, polled each second.
    done_when: Callable[[WalkRun], bool] | None = None
    #: Repeat the action at this interval while waiting (staying active until expiry).
    repeat_seconds: float | None = None
    #: While waiting: what it waits for and the seconds left, shown as a countdown.
    countdown: Callable[[WalkRun], tuple[str, float] | None] | None = None


@dataclass(frozen=True)
class Walkthrough:
    """A scenario as steps, with the two or three sentences of what it teaches."""

    key: str
    title: str
    teaches: str
    steps: tuple[Step, ...]
    #: The store the scenario starts on ("sqlite" unless it is about another one).
    store: str = "sqlite"


def secured_page_step(
    title: str,
    number: int,
    explanation: Text,
    highlight: Callable[[WalkRun], None] | None = None,
    **options,
) -> Step:
    """A step that opens Browser ``number``'s secured page: the check most scenarios end with."""
    return Step(title, lambda run: run.secured_page(number), explanation, highlight, **options)


def actions_of(step: Step) -> list[Action]:
    """Return a step's actions in order."""
    return list(step.action) if isinstance(step.action, tuple) else [step.action]


def text_of(text: Text, run: WalkRun) -> str:
    """Return a step's explanation, computing it when it depends on what happened."""
    return text(run) if callable(text) else text
