"""The Session Lab window: the lab's browsers on the left, the live inspectors on the right."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QToolButton, QVBoxLayout, QWidget

from desktop.banners import FAILURE_STYLE, NOTICE_STYLE, Banner
from desktop.browser_controller import BrowserController
from desktop.browser_pane import BrowserPane
from desktop.exchange import CookieRow, Exchange
from desktop.font_zoom import FontZoom
from desktop.http_client import LOGIN_PATH
from desktop.inspector_feed import InspectorFeed
from desktop.inspector_panel import InspectorPanel
from desktop.lab import Lab
from desktop.lab_browser import LabBrowser
from desktop.lab_link import LabLink
from desktop.lab_menus import LabMenus
from desktop.server_bridge import ServerEventBridge
from desktop.settings import LabSettings
from desktop.status_line import StatusLine
from desktop.widget_names import name_widget

if TYPE_CHECKING:  # loading QCloseEvent builds QEvent's long enums: a few ms of start-up
    from PySide6.QtGui import QCloseEvent


class MainWindow(QMainWindow):
    """Wires the lab's browsers and the inspectors to a running :class:`~desktop.lab.Lab`."""

    def __init__(
        self, lab: Lab, settings: LabSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings or LabSettings()
        self.setWindowTitle("Session Lab")
        self.resize(1440, 900)
        if self.settings.geometry is not None:
            self.restoreGeometry(self.settings.geometry)
        self.tabs = name_widget(QTabWidget(), "browser_tabs", "Browsers")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        new_tab = name_widget(QToolButton(), "new_browser_button", "Open another browser")
        new_tab.setText("+ Browser")
        new_tab.clicked.connect(self.add_browser)
        self.tabs.setCornerWidget(new_tab)
        self.inspectors = InspectorPanel()
        self.inspectors.cookie_model.value_edited.connect(self._on_cookie_edited)
        self.notice_banner = Banner("notice_banner", "Notice", NOTICE_STYLE)
        self.switch_banner = Banner("switch_banner", "Vulnerable server", FAILURE_STYLE)
        self.server_banner = Banner(
            "server_banner", "Server failure", FAILURE_STYLE, action="Restart server"
        )
        self.server_banner.action_clicked.connect(self.restart_server)
        self.status = StatusLine(self.statusBar())
        self.zoom = FontZoom(self.settings.font_size, self)
        self.zoom.size_changed.connect(self._remember_font_size)
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(self.tabs)
        self._build_central()

        self.browsers: list[LabBrowser] = []
        self.feed = InspectorFeed(self)
        self.menus = LabMenus(self)
        self._walkthrough_panel = None
        self.link = LabLink(self)
        self.link.attached.connect(self._on_lab_attached)
        self.link.session_event.connect(self.feed.on_session_event)
        self.link.server_failed.connect(self._on_server_failed)
        self.link.attach(lab)
        self.add_browser()
        # The scenarios are not needed for the first paint: build them once the loop runs.
        QTimer.singleShot(0, lambda: self.walkthrough_panel)

    @property
    def walkthrough_panel(self):
        """The guided walkthroughs under the browser (built on first use)."""
        if self._walkthrough_panel is None:
            from desktop.walkthrough_panel import WalkthroughPanel
            from desktop.walkthroughs import WALKTHROUGHS

            self._walkthrough_panel = WalkthroughPanel(self, WALKTHROUGHS)
            self.left.addWidget(self._walkthrough_panel)
            self.left.setSizes([600, 260])
            self.menus.add_scenarios(WALKTHROUGHS, self._walkthrough_panel.start)
        return self._walkthrough_panel

    def _build_central(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left)
        splitter.addWidget(self.inspectors)
        splitter.setSizes([520, 920])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        for banner in (self.server_banner, self.switch_banner, self.notice_banner):
            layout.addWidget(banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

    @property
    def lab(self) -> Lab | None:
        """The lab the window follows (None once the window has closed)."""
        return self.link.lab

    @property
    def bridge(self) -> ServerEventBridge | None:
        """The current lab's event bridge."""
        return self.link.bridge

    # The browser in the front tab: what the single-browser parts of the window act on.
    @property
    def current_browser(self) -> LabBrowser:
        """The browser in the front tab."""
        return self.browsers[max(0, self.tabs.currentIndex())]

    @property
    def browser(self) -> BrowserPane:
        """The front browser's pane."""
        return self.current_browser.pane

    @property
    def controller(self) -> BrowserController:
        """The front browser's worker."""
        return self.current_browser.controller

    @Slot()
    def add_browser(self) -> LabBrowser:
        """Open another browser with an empty jar, in a new tab, on the login page."""
        browser = LabBrowser(f"Browser {len(self.browsers) + 1}", self.lab.url, self)
        browser.exchange_finished.connect(self._on_exchange)
        browser.jar_changed.connect(self.feed.on_jar_changed)
        browser.request_failed.connect(self._on_failure)
        browser.busy_changed.connect(self._on_busy)
        self.browsers.append(browser)
        self.tabs.addTab(browser.pane, browser.name)
        self.tabs.setCurrentWidget(browser.pane)
        if self.isVisible():
            browser.controller.open(LOGIN_PATH)
        else:
            # The first browser loads its start page once the window is up, as browsers paint
            # before they load: the first request never delays the window.
            QTimer.singleShot(0, lambda: browser.controller.open(LOGIN_PATH))
        return browser

    def close_extra_browsers(self) -> None:
        """Close every browser but the first."""
        while len(self.browsers) > 1:
            browser = self.browsers.pop()
            self.tabs.removeTab(self.tabs.indexOf(browser.pane))
            browser.shutdown(timeout_ms=800)
            browser.pane.deleteLater()
            browser.deleteLater()

    @Slot(object)
    def _on_lab_attached(self, lab: Lab) -> None:
        # A new lab (the first, a restart, another store): browsers keep their jars.
        for browser in self.browsers:
            browser.controller.set_base_url(lab.url)
        self.notice_banner.show_text(" ".join(lab.notices))
        self.server_banner.clear()
        self.refresh_lab_view()

    def refresh_lab_view(self) -> None:
        """Show the lab afresh: its store, switches, status and the front browser's jar."""
        self.menus.show_lab(self.lab)
        self.status.show_lab(self.lab)
        self.update_switch_banner()
        self.feed.show_lab()

    def replace_lab(self, make_lab: Callable[[Lab], Lab]) -> bool:
        """Close the lab and follow the one ``make_lab(old)`` builds (a restart, a new store).

        If that lab cannot start, the old one's store and files come back on any free port, so
        the window always has a server; the red bar says what happened. Returns success.
        """
        failure = self.link.replace(make_lab)
        if failure is not None:
            self.server_banner.show_text(failure)
        return failure is None

    @Slot()
    def restart_server(self) -> None:
        """Restart the server as a new process would start: same store, files and port."""
        if self.replace_lab(lambda old: old.rebuilt()):
            self.status.show_message(f"The session server restarted on {self.lab.url}.")

    def switch_store(self, store: str) -> None:
        """Restart the server with another session store, and remember the choice."""
        if self.lab.state.store_name != store and self.replace_lab(
            lambda old: old.rebuilt(store=store)
        ):
            self.settings.store = store

    def set_switch(self, name: str, on: bool) -> None:
        """Turn a weakening switch of the server on or off; the red bar says which are on."""
        self.lab.set_switch(name, on)
        self.menus.show_lab(self.lab)
        self.update_switch_banner()

    def update_switch_banner(self) -> None:
        """Show the red bar while any weakening switch is on."""
        weakened = self.lab.weakened() if self.lab else []
        text = "VULNERABLE SERVER: " + "; ".join(weakened) + "." if weakened else ""
        self.switch_banner.show_text(text)

    @Slot(str)
    def _on_server_failed(self, message: str) -> None:
        self.server_banner.show_text(f"The session server stopped: {message}")
        self.status.show_message("The session server stopped; restart it from the red bar.")

    @Slot(int)
    def _remember_font_size(self, points: int) -> None:
        self.settings.font_size = points

    @Slot(object, object)
    def _on_exchange(self, browser: LabBrowser, exchange: Exchange) -> None:
        if self.lab is None:  # queued before the window closed
            return
        self.feed.on_exchange(browser, exchange)
        if browser is self.current_browser:
            self.status.show_message("")

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        if 0 <= index < len(self.browsers):
            self.feed.refresh_jar_view()

    @Slot(object, str)
    def _on_cookie_edited(self, row: CookieRow, value: str) -> None:
        max_age = None if row.expires is None else max(0, int(row.expires - time.time()))
        self.controller.set_cookie(
            row.name,
            value,
            secure=row.secure,
            max_age=max_age,
            http_only=row.http_only,
            same_site=row.same_site or "Lax",
        )

    @Slot(object, str)
    def _on_failure(self, browser: LabBrowser, message: str) -> None:
        self.status.show_message(f"{browser.name}: {message}")
        if self.lab is not None and not self.lab.server.running:
            self.server_banner.show_text("The session server is not running.")

    @Slot(object, bool)
    def _on_busy(self, browser: LabBrowser, busy: bool) -> None:
        self.status.set_busy(any(b.busy for b in self.browsers))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the geometry, stop the server and the workers, release the store."""
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        # Server first: closing its connections ends any request a worker still waits on.
        lab = self.link.close()
        for browser in self.browsers:
            browser.shutdown(timeout_ms=800)
        if lab is not None:
            lab.close()
        super().closeEvent(event)
