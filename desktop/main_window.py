"""The Session Lab window: the lab's browsers on the left, the live inspectors on the right."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QThreadPool, QTimer, Slot
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QToolButton, QVBoxLayout, QWidget

from desktop.banners import FAILURE_STYLE, NOTICE_STYLE, Banner
from desktop.browser_controller import BrowserController
from desktop.browser_pane import BrowserPane
from desktop.exchange import CookieRow, Exchange
from desktop.font_zoom import FontZoom
from desktop.http_client import LOGIN_PATH
from desktop.inspector_panel import InspectorPanel
from desktop.lab import Lab
from desktop.lab_browser import LabBrowser
from desktop.lab_menus import LabMenus
from desktop.server_bridge import ServerEventBridge
from desktop.settings import LabSettings
from desktop.status_line import StatusLine
from desktop.timeline_recorder import TimelineRecorder
from desktop.widget_names import name_widget
from server.records import SessionEvent

if TYPE_CHECKING:  # loading QCloseEvent builds QEvent's long enums: a few ms of start-up
    from PySide6.QtGui import QCloseEvent

log = logging.getLogger(__name__)


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

        self.recorder = TimelineRecorder()
        self.browsers: list[LabBrowser] = []
        self.lab: Lab | None = None
        self.bridge: ServerEventBridge | None = None
        # Expiry happens on the server's clock; purge each second so expired rows leave live.
        self._purger = QThreadPool(self)
        self._purger.setMaxThreadCount(1)
        self._purge_timer = QTimer(self, interval=1000)
        self._purge_timer.timeout.connect(self._purge_expired)
        self.menus = LabMenus(self)
        self._walkthrough_panel = None
        self.attach_lab(lab)
        self.add_browser()
        self._purge_timer.start()
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
        browser.jar_changed.connect(self._on_jar_changed)
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

    def attach_lab(self, lab: Lab) -> None:
        """Follow ``lab``: its events, its store, its switches; browsers keep their jars."""
        self.lab = lab
        lab.server.on_error = self._server_failed_in_thread
        self.bridge = ServerEventBridge(lab.app, self)
        self.bridge.session_event.connect(self._on_session_event)
        self.bridge.server_failed.connect(self._on_server_failed)
        for browser in self.browsers:
            browser.controller.set_base_url(lab.url)
        self.notice_banner.show_text(" ".join(lab.notices))
        self.server_banner.clear()
        self.refresh_lab_view()

    def refresh_lab_view(self) -> None:
        """Show the lab afresh: its store, switches, status and the front browser's jar."""
        lab = self.lab
        self.recorder.clear()
        self.inspectors.session_model.reset(lab.sessions())
        self.menus.show_lab(lab)
        self.status.show_lab(lab)
        self.update_switch_banner()
        self._update_store_status()
        self._refresh_jar_view()

    def detach_lab(self) -> Lab | None:
        """Stop following the lab and stop its server; return it (not yet closed)."""
        lab, bridge = self.lab, self.bridge
        if lab is None or bridge is None:
            return None
        lab.server.on_error = None
        bridge.session_event.disconnect(self._on_session_event)
        bridge.server_failed.disconnect(self._on_server_failed)
        bridge.disconnect_app()
        bridge.deleteLater()
        lab.stop()
        self.lab = self.bridge = None
        return lab

    def replace_lab(self, make_lab: Callable[[Lab], Lab]) -> bool:
        """Close the lab and follow the one ``make_lab(old)`` builds (a restart, a new store).

        If that lab cannot start, the old one's store and files come back on any free port, so
        the window always has a server; the red bar says what happened. Returns success.
        """
        old = self.detach_lab()
        old.close()
        try:
            lab = make_lab(old)
            lab.start()
        except Exception as error:  # the window must keep a working lab, whatever went wrong
            log.exception("the new session server could not start")
            lab = old.rebuilt(port=0)
            lab.start()
            self.attach_lab(lab)
            self.server_banner.show_text(
                f"The session server could not start as asked ({error}); it runs on {lab.url}."
            )
            return False
        self.attach_lab(lab)
        return True

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

    def _server_failed_in_thread(self, error: BaseException) -> None:
        # Called on the server's thread: hand over to the GUI thread through the bridge.
        bridge = self.bridge
        if bridge is not None:
            bridge.report_server_failure(error)

    @Slot(str)
    def _on_server_failed(self, message: str) -> None:
        self.server_banner.show_text(f"The session server stopped: {message}")
        self.status.show_message("The session server stopped; restart it from the red bar.")

    @Slot(int)
    def _remember_font_size(self, points: int) -> None:
        self.settings.font_size = points

    @Slot()
    def _purge_expired(self) -> None:
        # On a worker: the database may be busy (a student has it open), the window must not be.
        lab = self.lab
        if lab is not None and lab.server_side and self._purger.activeThreadCount() == 0:
            self._purger.start(lab.purge_expired)

    @Slot(object)
    def _on_session_event(self, event: SessionEvent) -> None:
        # Queued from a lab already replaced or closed (its bridge may be gone: sender() None).
        if self.bridge is None or self.sender() is not self.bridge:
            return
        self.inspectors.session_model.apply(event)
        self.recorder.add_event(event)
        self._update_store_status()

    @Slot(object, object)
    def _on_exchange(self, browser: LabBrowser, exchange: Exchange) -> None:
        if self.lab is None:  # queued before the window closed
            return
        sent = exchange.cookies_sent.get(self.lab.cookie_name)
        signature_ok = None
        if sent is not None and not self.lab.server_side:
            from desktop.cookie_forensics import guess_secret_key

            signature_ok = guess_secret_key(sent, [self.lab.app.secret_key]).key is not None
        entry = self.recorder.entry_for(
            browser.name,
            exchange,
            server_side=self.lab.server_side,
            cookie_name=self.lab.cookie_name,
            signature_ok=signature_ok,
        )
        self.inspectors.traffic_model.append(entry)
        if browser is self.current_browser:
            self.status.show_message("")

    @Slot(object)
    def _on_jar_changed(self, browser: LabBrowser) -> None:
        if self.lab is None:
            return
        holders: dict[str, list[str]] = {}
        for each in self.browsers:
            sid = each.cookie(self.lab.cookie_name)
            if sid:
                holders.setdefault(sid, []).append(each.name)
        self.inspectors.session_model.set_holders(holders)
        if browser is self.current_browser:
            self._refresh_jar_view()

    def _refresh_jar_view(self) -> None:
        if not self.browsers or self.lab is None:
            return
        browser = self.current_browser
        self.inspectors.show_jar_of(browser.name)
        self.inspectors.cookie_model.set_rows(browser.jar)
        session_cookie = browser.cookie(self.lab.cookie_name)
        self.inspectors.session_model.set_current_sid(session_cookie)
        payload = None
        if session_cookie and not self.lab.server_side:
            from desktop.cookie_forensics import decode_cookie_payload

            payload = decode_cookie_payload(session_cookie)
        self.inspectors.show_cookie_payload(
            f"Decoded cookie payload: {payload} — anyone can read this; only the server can "
            "sign it."
            if payload is not None
            else ""
        )

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        if 0 <= index < len(self.browsers):
            self._refresh_jar_view()

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

    def _update_store_status(self) -> None:
        if not self.lab.server_side:
            self.status.show_sessions("Sessions: in the browser's cookie")
            self.inspectors.store_note.setText(
                "Cookie store: the whole session travels in the browser's signed cookie; the "
                "server keeps nothing, so there is nothing to list here."
            )
            return
        self.status.show_sessions(f"Live sessions: {self.inspectors.session_model.rowCount()}")
        self.inspectors.store_note.setText(self.lab.state.store.description)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the geometry, stop the server and the workers, release the store."""
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        self._purge_timer.stop()
        self._purger.waitForDone(1000)
        # Server first: closing its connections ends any request a worker still waits on.
        lab = self.detach_lab()
        for browser in self.browsers:
            browser.shutdown(timeout_ms=800)
        if lab is not None:
            lab.close()
        super().closeEvent(event)
