"""What a scenario may change in the lab, taken before it starts and put back when it ends."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.classroom.balancer_lesson import leave_balancer
from desktop.classroom.lab_actions import DEFAULT_LIFETIMES, LabActions
from desktop.classroom.lab_window import LabSteering, LabWindow
from desktop.lab import cookie_settings, https_settings
from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_switches import FIXES, WEAKENING


def lab_defaults(window: LabWindow) -> None:
    """One server again, every weakening switch and fix off, the default lifetimes."""
    leave_balancer(window.controls)
    for name in WEAKENING:
        window.controls.set_switch(name, False)
    for name in FIXES:
        window.lab.set_fix(name, False)
    window.controls.set_lifetimes(*DEFAULT_LIFETIMES)
    cookie_settings.set_same_site(window.lab, cookie_settings.DEFAULT_SAME_SITE)
    LabActions(window).set_remember_me(False)
    https_settings.https_settings_default(window.lab)


@dataclass(frozen=True)
class LabSnapshot:
    """The teacher's store, weakening switches and session lifetimes."""

    store: str
    switches: frozenset[str]
    lifetimes: tuple[float, float]
    same_site: str = cookie_settings.DEFAULT_SAME_SITE
    remember_me: bool = False
    fixes: frozenset[str] = frozenset()
    https: bool = False
    secure_cookie: bool = False
    cookie_name: str = https_settings.DEFAULT_COOKIE_NAME
    hsts: bool = False

    @classmethod
    def of(cls, lab: Lab) -> LabSnapshot:
        """Read them from a running lab."""
        config = lab.app.config
        return cls(
            lab.state.store_name,
            frozenset(lab.switches),
            (config["SESSION_IDLE_LIFETIME"], config["SESSION_ABSOLUTE_LIFETIME"]),
            cookie_settings.same_site(lab),
            cookie_settings.remember_me(lab),
            frozenset(lab.fixes),
            lab.https_url is not None,
            https_settings.secure_cookie(lab),
            lab.cookie_name,
            https_settings.hsts(lab),
        )

    def restore(self, controls: LabSteering) -> None:
        """Put them back; a store switch made by the scenario is not saved as a choice."""
        leave_balancer(controls, self.store)
        controls.switch_store(self.store, remember=False)
        for name in WEAKENING:
            controls.set_switch(name, name in self.switches)
        controls.set_lifetimes(*self.lifetimes)
        cookie_settings.set_same_site(controls.lab, self.same_site)
        cookie_settings.set_remember_me(controls.lab, self.remember_me)
        for name in FIXES:
            controls.lab.set_fix(name, name in self.fixes)
        if (controls.lab.https_url is not None) != self.https:
            controls.set_https(self.https)
        https_settings.set_secure_cookie(controls.lab, self.secure_cookie)
        https_settings.set_hsts(controls.lab, self.hsts)
        if self.cookie_name in https_settings.COOKIE_NAMES:
            https_settings.set_cookie_name(controls.lab, self.cookie_name)
