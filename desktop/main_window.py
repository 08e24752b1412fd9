"""The Session Lab window: the lab's browser on the left, the live inspectors on the right."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from desktop.banners import FAILURE_STYLE, NOTICE_STYLE, Banner
from desktop.browser_controller import BrowserController
from desktop.browser_pane import BrowserPane
from desktop.exchange import Exchange
from desktop.explain import explain
from desktop.font_zoom import FontZoom
from desktop.http_client import LOGIN_PATH, PageResult
from desktop.inspector_panel import InspectorPanel
from desktop.lab import Lab
from desktop.models.traffic_table_model import TrafficEntry
from desktop.server_bridge import ServerEventBridge
from desktop.settings import LabSettings
from desktop.status_line import StatusLine
from server.config import STORES
from server.records import SessionEvent

log = logging.getLogger(__name__)

MAX_UNCLAIMED_EVENTS = 200


class MainWindow(QMainWindow):
    """Wires one browser and the inspectors to a running :class:`~desktop.lab.Lab`."""

    def __init__(
        self, lab: Lab, settings: LabSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings or LabSettings()
        self.setWindowTitle("Session Lab")
        self.resize(1440, 900)
        if self.settings.geometry is not None:
            self.restoreGeometry(self.settings.geometry)
        self.browser = BrowserPane()
        self.inspectors = InspectorPanel()
        self.notice_banner = Banner("notice_banner", "Notice", NOTICE_STYLE)
        self.server_banner = Banner(
            "server_banner", "Server failure", FAILURE_STYLE, action="Restart server"
        )
        self.server_banner.action_clicked.connect(self.restart_server)
        self.status = StatusLine(self.statusBar())
        self.zoom = FontZoom(self.settings.font_size, self)
        self.zoom.size_changed.connect(self._remember_font_size)
        self._build_central()
        self._build_menus()

        # Events wait here until the exchange that caused them arrives (matched by session id).
        self._unclaimed: list[SessionEvent] = []
        self.lab: Lab | None = None
        self.controller: BrowserController | None = None
        self.bridge: ServerEventBridge | None = None
        self.attach(lab)

    def _build_central(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.browser)
        splitter.addWidget(self.inspectors)
        splitter.setSizes([520, 920])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.server_banner)
        layout.addWidget(self.notice_banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu("&File").addAction(quit_action)

        server_menu = self.menuBar().addMenu("&Server")
        restart = QAction("&Restart server", self)
        restart.triggered.connect(self.restart_server)
        server_menu.addAction(restart)
        store_menu = server_menu.addMenu("Session &store")
        self.store_actions = QActionGroup(self)
        for name in STORES:
            action = QAction(name, self, checkable=True)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.switch_store(n))
            self.store_actions.addAction(action)
            store_menu.addAction(action)

        self.menuBar().addMenu("&View").addActions(self.zoom.actions())

    def attach(self, lab: Lab) -> None:
        """Show ``lab``: a fresh browser on it, its store in the inspector, its events live."""
        self.lab = lab
        lab.server.on_error = self._server_failed_in_thread
        self.controller = BrowserController(lab.url, self)
        self.bridge = ServerEventBridge(lab.app, self)
        self.browser.login_requested.connect(self.controller.login)
        self.browser.secured_page_requested.connect(self.controller.secured_page)
        self.browser.logout_requested.connect(self.controller.logout)
        self.browser.navigation_requested.connect(self.controller.open)
        self.controller.exchange_finished.connect(self._on_exchange)
        self.controller.page_loaded.connect(self._on_page)
        self.controller.request_failed.connect(self._on_failure)
        self.controller.busy_changed.connect(self.status.set_busy)
        self.bridge.session_event.connect(self._on_session_event)
        self.bridge.server_failed.connect(self._on_server_failed)

        self._unclaimed.clear()
        self.inspectors.reset()
        self.inspectors.session_model.reset(lab.sessions())
        for action in self.store_actions.actions():
            action.setChecked(action.data() == lab.state.store_name)
        self.status.show_lab(lab)
        self._update_store_status()
        self.notice_banner.show_text(" ".join(lab.notices))
        self.server_banner.clear()
        self.controller.open(LOGIN_PATH)

    def detach(self) -> Lab | None:
        """Stop the lab's server and the browser's worker; return the detached lab."""
        lab, controller, bridge = self.lab, self.controller, self.bridge
        if lab is None or controller is None or bridge is None:
            return None
        lab.server.on_error = None
        # Server first: closing its connections ends any request the worker still waits on.
        lab.stop()
        controller.shutdown(timeout_ms=800)
        for widget_signal in (
            self.browser.login_requested,
            self.browser.secured_page_requested,
            self.browser.logout_requested,
            self.browser.navigation_requested,
        ):
            widget_signal.disconnect()
        bridge.disconnect_app()
        controller.deleteLater()
        bridge.deleteLater()
        self.lab = self.controller = self.bridge = None
        return lab

    @Slot()
    def restart_server(self) -> None:
        """Restart the embedded server (same app, same store, same port when free)."""
        try:
            url = self.lab.restart()
        except OSError as error:
            self.server_banner.show_text(f"The session server could not restart: {error}")
            return
        self.server_banner.clear()
        self.status.show_message(f"The session server restarted on {url}.")

    def switch_store(self, store: str) -> None:
        """Replace the lab by one with another session store, and remember the choice."""
        if self.lab is not None and self.lab.state.store_name == store:
            return
        old = self.detach()
        data_dir = old.state.data_dir if old else None
        config = {"RESPONSE_DELAY": old.app.config["RESPONSE_DELAY"]} if old else {}
        if old is not None:
            old.close()
        lab = Lab(store=store, data_dir=data_dir, extra_config=config)
        lab.start()
        self.settings.store = store
        self.attach(lab)

    def _server_failed_in_thread(self, error: BaseException) -> None:
        # Called on the server's thread: hand over to the GUI thread through the bridge.
        if self.bridge is not None:
            self.bridge.report_server_failure(error)

    @Slot(str)
    def _on_server_failed(self, message: str) -> None:
        self.server_banner.show_text(f"The session server stopped: {message}")
        self.status.show_message("The session server stopped; restart it from the red bar.")

    @Slot(int)
    def _remember_font_size(self, points: int) -> None:
        self.settings.font_size = points

    @Slot(object)
    def _on_session_event(self, event: SessionEvent) -> None:
        self.inspectors.session_model.apply(event)
        self._unclaimed.append(event)
        del self._unclaimed[:-MAX_UNCLAIMED_EVENTS]
        self._update_store_status()

    def _claim_events(self, exchange: Exchange) -> list[SessionEvent]:
        sids = set(exchange.cookies_sent.values()) | {c.value for c in exchange.cookies_set}
        mine = [e for e in self._unclaimed if e.sid in sids or e.old_sid in sids]
        self._unclaimed = [e for e in self._unclaimed if e not in mine]
        return mine

    @Slot(object)
    def _on_exchange(self, exchange: Exchange) -> None:
        events = self._claim_events(exchange)
        sentence = explain(
            exchange, events, server_side=self.lab.server_side, cookie_name=self.lab.cookie_name
        )
        self.inspectors.traffic_model.append(TrafficEntry(exchange, tuple(events), sentence))
        self.inspectors.cookie_model.set_rows(exchange.jar_after)
        session_cookie = next(
            (c.value for c in exchange.jar_after if c.name == self.lab.cookie_name), None
        )
        self.inspectors.session_model.set_current_sid(session_cookie)

    @Slot(object)
    def _on_page(self, page: PageResult) -> None:
        self.browser.show_page(page)
        self.status.show_message("")

    @Slot(str)
    def _on_failure(self, message: str) -> None:
        self.browser.show_error(message)
        self.status.show_message(message)
        if self.lab is not None and not self.lab.server.running:
            self.server_banner.show_text("The session server is not running.")

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
        """Remember the geometry, stop the server and the worker, release the store."""
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        lab = self.detach()
        if lab is not None:
            lab.close()
        super().closeEvent(event)
