"""The Session Lab window: the lab's browser on the left, the live inspectors on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QSplitter, QWidget

from desktop.browser_controller import BrowserController
from desktop.browser_pane import ERROR_STYLE, BrowserPane
from desktop.exchange import Exchange
from desktop.explain import explain
from desktop.http_client import LOGIN_PATH, PageResult
from desktop.inspector_panel import InspectorPanel
from desktop.lab import Lab
from desktop.models.traffic_table_model import TrafficEntry
from desktop.server_bridge import ServerEventBridge
from desktop.widget_names import name_widget
from server.records import SessionEvent

MAX_UNCLAIMED_EVENTS = 200


class MainWindow(QMainWindow):
    """Wires one browser and the inspectors to a running :class:`~desktop.lab.Lab`."""

    def __init__(self, lab: Lab, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = lab
        self.setWindowTitle("Session Lab")
        self.resize(1440, 900)
        self.browser = BrowserPane()
        self.inspectors = InspectorPanel()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.browser)
        splitter.addWidget(self.inspectors)
        splitter.setSizes([520, 920])
        self.setCentralWidget(splitter)
        self._build_status_bar()
        self._build_menu()

        # Events wait here until the exchange that caused them arrives (matched by session id).
        self._unclaimed: list[SessionEvent] = []
        self.controller = BrowserController(lab.url, self)
        self.bridge = ServerEventBridge(lab.app, self)
        self._connect()
        self.inspectors.session_model.reset(lab.sessions())
        self._update_store_status()
        self.controller.open(LOGIN_PATH)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_message = name_widget(QLabel(), "status_message", "Status message")
        self.status_message.setStyleSheet(ERROR_STYLE)
        self.busy_indicator = name_widget(QProgressBar(), "busy_indicator", "Busy")
        self.busy_indicator.setRange(0, 0)
        self.busy_indicator.setMaximumWidth(120)
        self.busy_indicator.hide()
        self.status_url = name_widget(QLabel(), "status_url", "Server URL")
        self.status_url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_store = name_widget(QLabel(), "status_store", "Session store in use")
        self.status_sessions = name_widget(QLabel(), "status_sessions", "Live sessions")
        bar.addWidget(self.status_message, 1)
        bar.addPermanentWidget(self.busy_indicator)
        bar.addPermanentWidget(self.status_url)
        bar.addPermanentWidget(self.status_store)
        bar.addPermanentWidget(self.status_sessions)
        self.status_url.setText(f"Server: {self.lab.url}")
        state = self.lab.state
        self.status_store.setText(f"Store: {state.store_name}")
        self.status_store.setToolTip(state.store.description if state.store else "signed cookie")
        if state.notices:
            self.show_message(" ".join(state.notices))

    def _build_menu(self) -> None:
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu("&File").addAction(quit_action)

    def _connect(self) -> None:
        self.browser.login_requested.connect(self.controller.login)
        self.browser.secured_page_requested.connect(self.controller.secured_page)
        self.browser.logout_requested.connect(self.controller.logout)
        self.browser.navigation_requested.connect(self.controller.open)
        self.controller.exchange_finished.connect(self._on_exchange)
        self.controller.page_loaded.connect(self._on_page)
        self.controller.request_failed.connect(self._on_failure)
        self.controller.busy_changed.connect(self.busy_indicator.setVisible)
        self.bridge.session_event.connect(self._on_session_event)

    def show_message(self, text: str) -> None:
        """Show a sentence in the status bar (errors in words, notices)."""
        self.status_message.setText(text)

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
        self.show_message("")

    @Slot(str)
    def _on_failure(self, message: str) -> None:
        self.browser.show_error(message)
        self.show_message(message)

    def _update_store_status(self) -> None:
        if not self.lab.server_side:
            self.status_sessions.setText("Sessions: in the browser's cookie")
            self.inspectors.store_note.setText(
                "Cookie store: the whole session travels in the browser's signed cookie; the "
                "server keeps nothing, so there is nothing to list here."
            )
            return
        count = self.inspectors.session_model.rowCount()
        self.status_sessions.setText(f"Live sessions: {count}")
        self.inspectors.store_note.setText(self.lab.state.store.description)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the browser's worker and the server before the window goes."""
        self.controller.shutdown()
        self.bridge.disconnect_app()
        self.lab.close()
        super().closeEvent(event)
