"""The window as the classroom sees it: what walkthroughs and lab actions may read and call.

The classroom sits below the window, so it never imports it: the window passes itself in, and
this protocol says what it must offer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtWidgets import QTabWidget

from desktop.browser.lab_browser import LabBrowser
from desktop.inspectors.feed import InspectorFeed
from desktop.inspectors.panel import InspectorPanel
from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_link import LabLink


class LabSteering(Protocol):
    """The window's hold on its running lab (restarts, stores, switches, lifetimes)."""

    #: The running lab's signals: ``attached`` (a new lab), ``session_event``.
    link: LabLink

    @property
    def lab(self) -> Lab | None: ...

    def restart_server(self) -> None: ...
    def replace_lab(self, make_lab: Callable[[Lab], Lab], reason: str = ...) -> bool: ...
    def switch_store(self, store: str, remember: bool = True) -> None: ...
    def set_switch(self, name: str, on: bool) -> None: ...
    def set_lifetimes(self, idle: int, absolute: int) -> None: ...
    def set_https(self, on: bool) -> bool: ...
    def point_browser(self, browser: LabBrowser) -> None: ...
    def refresh_lab_view(self) -> None: ...


class StatusMessages(Protocol):
    """The status line's message area."""

    def show_message(self, text: str, level: str = "info") -> None: ...


class Resetting(Protocol):
    """The window's reset of its lab (see :class:`desktop.classroom.lab_reset.LabReset`)."""

    pending: bool

    def start(self) -> None: ...


class LabWindow(Protocol):
    """A window with browsers in tabs, inspectors and a running lab."""

    browsers: Sequence[LabBrowser]
    tabs: QTabWidget
    inspectors: InspectorPanel
    #: What feeds the inspectors (it knows whether another server is watched).
    feed: InspectorFeed
    controls: LabSteering
    status: StatusMessages
    lab_reset: Resetting

    @property
    def lab(self) -> Lab | None: ...

    @property
    def current_browser(self) -> LabBrowser: ...

    def add_browser(self) -> LabBrowser: ...
    def close_extra_browsers(self) -> None: ...
    def class_sessions(self) -> set[str]: ...
