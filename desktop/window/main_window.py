"""The Session Lab window: the lab's browsers on the left, the live inspectors on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QMainWindow, QTabWidget, QToolButton, QWidget

from desktop.browser.controller import BrowserController
from desktop.browser.exchange import Exchange
from desktop.browser.lab_browser import LabBrowser
from desktop.browser.pane import BrowserPane
from desktop.classroom.lab_reset import LabReset
from desktop.inspectors.feed import InspectorFeed
from desktop.inspectors.panel import InspectorPanel
from desktop.lab.embedded_lab import Lab
from desktop.ui.widget_names import name_widget
from desktop.window.challenge_menu import ChallengeMenu
from desktop.window.font_zoom import FontZoom
from desktop.window.lab_controls import LabControls
from desktop.window.menus import LabMenus
from desktop.window.settings import LabSettings
from desktop.window.sharing import ShareControls
from desktop.window.status_line import StatusLine
from desktop.window.theme import ThemeChooser
from desktop.window.watching import WatchControls
from desktop.window.window_layout import WindowLayout
from server.paths import LOGIN_PATH

if TYPE_CHECKING:  # loading QCloseEvent builds QEvent's long enums: a few ms of start-up
    from PySide6.QtGui import QCloseEvent, QShowEvent


class MainWindow(QMainWindow):
    """Wires the lab's browsers and the inspectors to a running :class:`Lab`."""

    def __init__(
        self, lab: Lab, settings: LabSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings or LabSettings()
        self.setWindowTitle("Session Lab")
        room = self.screen().availableGeometry()  # a 1366×768 projector has less than 1440×900
        self.resize(min(1440, room.width()), min(900, room.height()))
        if self.settings.geometry is not None:
            self.restoreGeometry(self.settings.geometry)
        self.tabs = name_widget(QTabWidget(), "browser_tabs", "Browsers")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        new_tab = name_widget(QToolButton(), "new_browser_button", "Open another browser")
        new_tab.setText("+ Browser")
        new_tab.clicked.connect(self.add_browser)
        self.tabs.setCornerWidget(new_tab)
        self.inspectors = InspectorPanel()
        self.status = StatusLine(self.statusBar())
        self.zoom = FontZoom(self.settings.font_size, self)
        self.zoom.size_changed.connect(self._remember_font_size)
        self.theme = ThemeChooser(self.settings.theme, self)
        self.theme.theme_changed.connect(self._remember_theme)
        self.browsers: list[LabBrowser] = []
        self.feed = InspectorFeed(self.inspectors, self)
        self.feed.store_summary_changed.connect(self.status.show_sessions)
        self.inspectors.cookie_model.value_edited.connect(self.feed.on_cookie_edited)
        self.controls = LabControls(self)
        self.controls.link.session_event.connect(self.feed.on_session_event)
        self.lab_reset = LabReset(self, self)
        self.menus = LabMenus(self)
        self.challenge_menu = ChallengeMenu(self)
        self.sharing = ShareControls(self, self.menus.server_menu, self.menus.view_menu)
        self.watching = WatchControls(self, self.menus.file_menu)
        self._walkthrough_panel = None
        self._shown = False
        banners = (self.watching.banner, self.sharing.banner, *self.controls.banners)
        self.layout_fit = WindowLayout(self, banners, self.settings)
        self.controls.attach(lab)
        self.add_browser()
        # The scenarios are not needed for the first paint: build them once the loop runs.
        QTimer.singleShot(0, lambda: self.walkthrough_panel)

    @property
    def walkthrough_panel(self):
        """The guided walkthroughs under the browser (built on first use)."""
        if self._walkthrough_panel is None:
            from desktop.classroom.walkthrough_panel import WalkthroughPanel
            from desktop.classroom.walkthroughs import WALKTHROUGHS

            self._walkthrough_panel = WalkthroughPanel(self, WALKTHROUGHS)
            self.layout_fit.add_walkthrough(self._walkthrough_panel)
            self.menus.add_scenarios(WALKTHROUGHS, self._walkthrough_panel.start)
        return self._walkthrough_panel

    @property
    def lab(self) -> Lab | None:
        """The lab the window follows (None once the window has closed)."""
        return self.controls.lab

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
        self.controls.point_browser(browser)  # after joining the list: its busy state counts
        browser.pane.set_compact(self.layout_fit.compact)
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

    def class_sessions(self) -> set[str]:
        """The sessions students' devices hold while the lab is shared (none when it is not)."""
        return self.sharing.class_sessions()

    @Slot()
    def reset_lab(self) -> None:
        """File → Reset the lab: end the walkthrough, cancel requests, empty store and jar."""
        if self._walkthrough_panel is not None:
            self._walkthrough_panel.stop()
        self.challenge_menu.leave()
        self.lab_reset.start()

    @Slot(int)
    def _remember_font_size(self, points: int) -> None:
        self.settings.font_size = points

    @Slot(str)
    def _remember_theme(self, name: str) -> None:
        self.settings.theme = name
        for browser in self.browsers:  # pages on screen draw their links in the new colours
            browser.pane.redraw_page()

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
    def _on_failure(self, browser: LabBrowser, message: str) -> None:
        self.status.show_message(f"{browser.name}: {message}", "error")
        self.controls.report_not_running()

    @Slot(object, bool)
    def _on_busy(self, browser: LabBrowser, busy: bool) -> None:
        self.status.set_busy(any(b.busy for b in self.browsers))

    def showEvent(self, event: QShowEvent) -> None:
        """The first focus goes to User name: a student types there first."""
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.browser.userid_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the geometry, stop the server and the workers, release the store."""
        self.settings.geometry = self.saveGeometry()
        self.layout_fit.save()
        self.settings.sync()
        self.sharing.close()
        self.watching.close()
        # Server first: closing its connections ends any request a worker still waits on.
        lab = self.controls.close()
        for browser in self.browsers:
            browser.shutdown(timeout_ms=800)
        if lab is not None:
            lab.close()
        super().closeEvent(event)
