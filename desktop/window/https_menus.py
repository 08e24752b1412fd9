"""Server → HTTPS items of the HTTPS lesson, and Browser → Open in your browser over https."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from desktop.classroom.https_actions import CERTIFICATE_WARNING_PARTS, HttpsActions
from desktop.lab import https_settings

NAME_LABELS = {
    "sessionid": "sessionid (the &tutorial's)",
    "__Secure-sessionid": "__&Secure-sessionid (needs Secure, https)",
    "__Host-sessionid": "__&Host-sessionid (needs Secure, https, Path=/, no Domain)",
}


def _item(menu: QMenu, text: str, name: str, slot, checkable: bool = False) -> QAction:
    action = QAction(text, menu, checkable=checkable)
    action.setObjectName(name)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


class HttpsMenus:
    """Adds the items; their check marks follow the lab each time the menu opens."""

    def __init__(
        self,
        parent: QWidget,
        server_menu: QMenu,
        browser_menu: QMenu,
        actions: HttpsActions,
        lab: Callable[[], object],
    ) -> None:
        self._parent, self._actions, self._lab = parent, actions, lab
        menu = self.menu = server_menu.addMenu("H&TTPS: Secure cookies, prefixes, HSTS")
        menu.setObjectName("https_menu")
        self.https_action = _item(
            menu,
            "Serve over &HTTPS too (the lab's own certificate)",
            "https_action",
            actions.set_https,
            checkable=True,
        )
        _item(
            menu,
            "Open the login page over http&s in this browser",
            "open_https_action",
            lambda: actions.open_over("https"),
        )
        _item(
            menu,
            "Open the login page over plain htt&p in this browser",
            "open_http_action",
            lambda: actions.open_over("http"),
        )
        menu.addSeparator()
        self.secure_action = _item(
            menu,
            "Mark the session cookie Se&cure",
            "secure_cookie_action",
            actions.set_secure_cookie,
            checkable=True,
        )
        self.name_menu = menu.addMenu("Session cookie's &name")
        self.name_menu.setObjectName("cookie_name_menu")
        group = QActionGroup(menu)
        self.name_actions: dict[str, QAction] = {}
        for name in https_settings.COOKIE_NAMES:
            action = _item(
                self.name_menu,
                NAME_LABELS[name],
                f"cookie_name_{name.strip('_').split('-')[0].lower()}_action",
                lambda _=False, n=name: actions.set_cookie_name(n),
                checkable=True,
            )
            group.addAction(action)
            self.name_actions[name] = action
        self.hsts_action = _item(
            menu,
            "Send HS&TS to the lab's browser (never to a real one)",
            "hsts_action",
            actions.set_hsts,
            checkable=True,
        )
        self.own_browser_action = _item(
            browser_menu,
            "Open in your browser over http&s…",
            "system_browser_https_action",
            self.open_in_own_browser,
        )
        for each in (server_menu, menu, self.name_menu, browser_menu):
            each.aboutToShow.connect(self.sync)

    def sync(self) -> None:
        """Check what the running lab has."""
        lab = self._lab()
        if lab is None:
            return
        self.https_action.setChecked(lab.https_url is not None)
        self.secure_action.setChecked(https_settings.secure_cookie(lab))
        name = lab.cookie_name
        if name in self.name_actions:
            self.name_actions[name].setChecked(True)
        self.hsts_action.setChecked(https_settings.hsts(lab))
        self.own_browser_action.setEnabled(lab.https_url is not None)

    def open_in_own_browser(self) -> bool:
        """Say what the certificate warning will mean, then open the https login page."""
        headline, *rest = CERTIFICATE_WARNING_PARTS
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Your browser will warn you",
            headline,
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        box.setInformativeText("".join(f"<p>{escape(part)}</p>" for part in rest))
        box.setObjectName("certificate_warning_box")
        self.warning_box = box
        box.accepted.connect(self._actions.open_in_system_browser)
        box.open()
        return True
