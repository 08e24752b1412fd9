"""Server menu items of the cookie lessons: the session cookie's SameSite, and "Remember me"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from desktop.classroom.lab_actions import LabActions
from desktop.lab import cookie_settings

LABELS = {
    "Strict": "&Strict (never from another site)",
    "Lax": "&Lax (top-level GET links from other sites only; the default)",
    "None": "&None (every request, but only with Secure)",
    "unset": "&unset (no attribute: browsers treat it as Lax)",
}


class CookieMenus:
    """Adds the items to ``menu``; their check marks follow the lab each time the menu opens."""

    def __init__(self, menu: QMenu, actions: LabActions, lab: Callable[[], object]) -> None:
        self._lab = lab
        self.same_site_menu = menu.addMenu("Session cookie's SameSite &attribute")
        self.same_site_menu.setObjectName("same_site_menu")
        group = QActionGroup(menu)
        self.same_site_actions: dict[str, QAction] = {}
        for value in cookie_settings.SAME_SITE_CHOICES:
            action = QAction(LABELS[value], self.same_site_menu, checkable=True)
            action.setObjectName(f"same_site_{value}_action")
            action.triggered.connect(lambda _=False, v=value: actions.set_same_site(v))
            group.addAction(action)
            self.same_site_menu.addAction(action)
            self.same_site_actions[value] = action
        self.remember_action = QAction("Offer “Remember &me” at login", menu, checkable=True)
        self.remember_action.setObjectName("remember_me_action")
        self.remember_action.triggered.connect(actions.set_remember_me)
        menu.addAction(self.remember_action)
        menu.aboutToShow.connect(self.sync)
        self.same_site_menu.aboutToShow.connect(self.sync)

    def sync(self) -> None:
        """Check what the running lab has."""
        lab = self._lab()
        if lab is None:
            return
        self.same_site_actions[cookie_settings.same_site(lab)].setChecked(True)
        self.remember_action.setChecked(cookie_settings.remember_me(lab))
