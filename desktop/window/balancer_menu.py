"""Server → Load balancer: two servers behind the lab's balancer, sticky sessions, restarts."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop.classroom import balancer_lesson
from desktop.lab.balanced_lab import SERVER_NAMES


class BalancerMenu:
    """Adds the Load balancer submenu to ``menu``; its items follow the lab as it opens."""

    def __init__(self, menu: QMenu, window) -> None:
        self.window = window
        self.menu = menu.addMenu("Load &balancer")
        self.menu.setObjectName("balancer_menu")
        self.balanced_action = self._add(
            "&Two servers behind the load balancer", "balanced_action", self._set_balanced, True
        )
        self.sticky_action = self._add(
            "&Sticky sessions (the balancer's SERVERID cookie)",
            "sticky_action",
            lambda on: balancer_lesson.set_sticky(window, on),
            True,
        )
        self.restart_actions = {
            name: self._add(
                f"Restart server &{name}",
                f"restart_server_{name}_action",
                lambda _=False, n=name: balancer_lesson.restart_server(window, n),
            )
            for name in SERVER_NAMES
        }
        self.menu.aboutToShow.connect(self.sync)

    def _add(self, text: str, name: str, slot, checkable: bool = False) -> QAction:
        action = QAction(text, self.menu, checkable=checkable)
        action.setObjectName(name)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def _set_balanced(self, on: bool) -> None:
        if on:
            balancer_lesson.put_behind_balancer(self.window)
        else:
            balancer_lesson.leave_balancer(self.window.controls)

    def sync(self) -> None:
        """Check and enable what the running lab has."""
        lab = balancer_lesson.balanced_lab(self.window)
        self.balanced_action.setChecked(lab is not None)
        self.sticky_action.setChecked(lab is not None and lab.sticky)
        for action in (self.sticky_action, *self.restart_actions.values()):
            action.setEnabled(lab is not None)
