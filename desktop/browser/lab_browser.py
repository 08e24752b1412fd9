"""One browser of the lab: its pane, its worker with its own cookie jar, and its name."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from desktop.browser.controller import BrowserController
from desktop.browser.exchange import CookieRow, Exchange
from desktop.browser.page_result import PageResult
from desktop.browser.pane import BrowserPane


class LabBrowser(QObject):
    """Connects a :class:`BrowserPane` to its :class:`BrowserController` and keeps its jar.

    Re-emits what the window needs with itself attached, so one window can follow many
    browsers: several students, or a victim and an attacker.
    """

    exchange_finished = Signal(object, object)  # (LabBrowser, Exchange)
    jar_changed = Signal(object)  # LabBrowser
    request_failed = Signal(object, str)  # (LabBrowser, message)
    busy_changed = Signal(object, bool)  # (LabBrowser, busy)

    def __init__(self, name: str, base_url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.pane = BrowserPane()
        self.controller = BrowserController(base_url, self)
        self.jar: tuple[CookieRow, ...] = ()
        pane, controller = self.pane, self.controller
        pane.login_requested.connect(self._login)
        pane.secured_page_requested.connect(controller.secured_page)
        pane.logout_requested.connect(controller.logout)
        pane.navigation_requested.connect(controller.open)
        controller.exchange_finished.connect(self._on_exchange)
        controller.page_loaded.connect(self._on_page)
        controller.jar_changed.connect(self._on_jar)
        controller.request_failed.connect(self._on_failure)
        controller.busy_changed.connect(self._on_busy)
        controller.requesting_changed.connect(self.pane.set_busy)

    @property
    def busy(self) -> bool:
        """Whether the browser has requests queued or running."""
        return self.controller.busy

    def cookie(self, name: str) -> str | None:
        """Return the value of a cookie in this browser's jar, or None."""
        return next((row.value for row in self.jar if row.name == name), None)

    @Slot(str, str)
    def _login(self, userid: str, passwd: str) -> None:
        self.controller.login(userid, passwd, self.pane.remember)

    @Slot(object)
    def _on_exchange(self, exchange: Exchange) -> None:
        self.jar = exchange.jar_after
        self.exchange_finished.emit(self, exchange)
        self.jar_changed.emit(self)

    @Slot(object)
    def _on_page(self, page: PageResult) -> None:
        self.pane.show_page(page)

    @Slot(object)
    def _on_jar(self, jar: tuple[CookieRow, ...]) -> None:
        self.jar = jar
        self.jar_changed.emit(self)

    @Slot(str)
    def _on_failure(self, message: str) -> None:
        self.pane.show_error(message)
        self.request_failed.emit(self, message)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.busy_changed.emit(self, busy)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop the worker and close connections."""
        return self.controller.shutdown(timeout_ms)
