"""The window's menus: File, Browser, Server (with the weakening switches), View, Scenarios, Help.

Every item has a mnemonic of its own within its menu (tests check), so the whole app works
from the keyboard: Alt+S, then C for the cookie store, say.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from desktop.classroom.https_actions import HttpsActions
from desktop.classroom.lab_actions import LabActions
from desktop.lab.lab_switches import WEAKENING
from desktop.ui.mnemonics import with_mnemonic
from desktop.window.balancer_menu import BalancerMenu
from desktop.window.cookie_menus import CookieMenus
from desktop.window.diagram_exports import DiagramExports
from desktop.window.https_menus import HttpsMenus
from desktop.window.redis_probe import RedisProbe
from server.config import STORES

SWITCH_LABELS = {
    "no_rotation": "Vulnerable: keep the session id at login (&fixation)",
    "no_csrf": "Vulnerable: skip the &CSRF check (login CSRF)",
    "weak_key": "Vulnerable: use a &weak secret key",
}


def _action(menu: QMenu, text: str, object_name: str, slot, shortcut=None, checkable=False):
    action = QAction(text, menu, checkable=checkable)
    action.setObjectName(object_name)
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


class LabMenus:
    """Builds the menus of a window and keeps their check marks in step with its lab."""

    def __init__(self, window) -> None:
        self.window = window
        self.actions = LabActions(window)
        self.shortcuts_dialog = None
        bar = window.menuBar()
        file_menu = self.file_menu = bar.addMenu("&File")
        _action(
            file_menu,
            "Export timeline as &HAR…",
            "export_har_action",
            self._ask_export_har,
            QKeySequence.StandardKey.Save,
        )
        self.exports = DiagramExports(window, file_menu)
        _action(file_menu, "&Reset the lab", "reset_lab_action", window.reset_lab)
        file_menu.addSeparator()
        _action(file_menu, "&Quit", "quit_action", window.close, QKeySequence.StandardKey.Quit)

        browser_menu = bar.addMenu("&Browser")
        _action(
            browser_menu,
            "&New browser",
            "new_browser_action",
            window.add_browser,
            QKeySequence.StandardKey.AddTab,
        )
        _action(
            browser_menu,
            "&Clear cookies (clear site data)",
            "clear_cookies_action",
            lambda: self.actions.clear_cookies(),
        )
        self.steal_menu = browser_menu.addMenu("Copy this browser's session cookie &to")
        self.steal_menu.aboutToShow.connect(self._fill_steal_menu)
        _action(
            browser_menu,
            "Visit a page on &another site",
            "other_site_action",
            lambda: self.actions.visit_other_site(),
        )
        _action(
            browser_menu,
            "Visit another site's &free-ticket page (logout)",
            "logout_bait_action",
            lambda: self.actions.visit_logout_bait(),
        )
        _action(
            browser_menu,
            "Visit another site's t&hree-requests page (SameSite)",
            "three_requests_action",
            lambda: self.actions.three_requests(),
        )
        _action(
            browser_menu,
            "Close and &reopen this browser (keeps persistent cookies)",
            "close_reopen_action",
            lambda: self.actions.close_and_reopen(),
        )
        _action(
            browser_menu,
            "Go to the a&ddress bar",
            "address_action",
            lambda: window.browser.focus_address(),
            QKeySequence("Ctrl+L"),
        )
        browser_menu.addSeparator()
        _action(
            browser_menu,
            "&Open in your browser",
            "system_browser_action",
            self.actions.open_in_system_browser,
        )

        server_menu = self.server_menu = bar.addMenu("&Server")
        _action(server_menu, "&Restart server", "restart_action", window.controls.restart_server)
        store_menu = server_menu.addMenu("Session &store")
        self.store_group = QActionGroup(window)
        self.store_actions = {}
        taken: set[str] = set()
        for name in STORES:
            action = _action(
                store_menu,
                with_mnemonic(name, taken),
                f"store_{name}_action",
                lambda _=False, n=name: window.controls.switch_store(n),
                checkable=True,
            )
            self.store_group.addAction(action)
            self.store_actions[name] = action
        # Redis is offered only while one answers: asked in the background at start, after a
        # store switch and as the menu opens, which shows the last answer meanwhile.
        self.store_menu = store_menu
        self.store_actions["redis"].setVisible(False)
        self.redis_probe = RedisProbe(window)
        self.redis_probe.answered.connect(self._offer_redis)
        store_menu.aboutToShow.connect(self._probe_redis)
        self.short_action = _action(
            server_menu,
            "Short session &lifetimes (20 s idle, 60 s at most)",
            "short_lifetimes_action",
            self.actions.set_short_lifetimes,
            checkable=True,
        )
        _action(
            server_menu,
            "Rotate the secret &key",
            "rotate_key_action",
            self.actions.rotate_secret_key,
        )
        server_menu.addSeparator()
        self.switch_actions = {}
        for name in WEAKENING:
            self.switch_actions[name] = _action(
                server_menu,
                SWITCH_LABELS[name],
                f"switch_{name}_action",
                lambda on, n=name: window.controls.set_switch(n, on),
                checkable=True,
            )

        server_menu.addSeparator()
        self.cookie_menus = CookieMenus(server_menu, self.actions, lambda: window.lab)
        self.https_menus = HttpsMenus(
            window, server_menu, browser_menu, HttpsActions(window), lambda: window.lab
        )
        self.balancer_menu = BalancerMenu(server_menu, window)

        view_menu = self.view_menu = bar.addMenu("&View")
        view_menu.addActions(window.zoom.actions())
        view_menu.addSeparator()
        view_menu.addMenu(window.theme.menu)
        self.scenarios_menu = bar.addMenu("S&cenarios")
        help_menu = bar.addMenu("&Help")
        _action(
            help_menu,
            "&Keyboard shortcuts",
            "shortcuts_action",
            self.show_shortcuts,
            QKeySequence("F1"),
        )

    def add_scenarios(self, walkthroughs, start) -> None:
        """List the walkthroughs; choosing one starts it (two clicks from anywhere)."""
        # 0 to 9 by their digit; later ones by a letter of their title ("10. &Open…").
        taken: set[str] = set()
        for number, walk in enumerate(walkthroughs):
            _action(
                self.scenarios_menu,
                with_mnemonic(f"{number}. {walk.title}", taken),
                f"scenario_{walk.key}_action",
                lambda _=False, key=walk.key: start(key),
            )

    def _probe_redis(self) -> None:
        lab = self.window.lab
        if lab is not None:
            self._offer_redis()
            self.redis_probe.probe(lab.app.config["REDIS_URL"])

    def _offer_redis(self, answered: bool | None = None) -> None:
        lab = self.window.lab
        if lab is not None:
            running = lab.state.store_name == "redis"
            self.store_actions["redis"].setVisible(running or self.redis_probe.reachable)

    def show_lab(self, lab) -> None:
        """Check the store, switches and lifetimes the lab has."""
        self.store_actions[lab.state.store_name].setChecked(True)
        self._probe_redis()
        for name, action in self.switch_actions.items():
            action.setChecked(name in lab.switches)
        self.short_action.setChecked(lab.app.config["SESSION_IDLE_LIFETIME"] <= 60)

    def _fill_steal_menu(self) -> None:
        self.steal_menu.clear()
        source = self.window.current_browser
        for target in self.window.browsers:
            if target is not source:
                action = self.steal_menu.addAction(target.name)
                action.triggered.connect(
                    lambda _=False, t=target: self.actions.copy_session_cookie(source, t)
                )
        if len(self.window.browsers) < 2:
            self.steal_menu.addAction("(open another browser first)").setEnabled(False)

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts (F1)."""
        from desktop.window.shortcuts_help import ShortcutsDialog

        self.shortcuts_dialog = ShortcutsDialog(self.window)
        self.shortcuts_dialog.show()

    def _ask_export_har(self) -> None:
        # Loaded when first asked for: a file dialog costs start-up time.
        from desktop.window.har_dialog import ask_har_export

        choice = ask_har_export(self.window)
        if choice is not None:
            self.exports.save(self.actions.export_har, *choice, "the timeline")
