"""The running lab's settings: its configuration, session lifetimes, switches and secret key.

Plain Python, no Qt. Each change reaches the running app at once, and the class's server
process too while the lab is shared from one.
"""

from __future__ import annotations

from flask import Flask

from desktop.lab.class_server import ClassServer
from desktop.lab.class_server_process import apply_settings
from desktop.lab.lab_share import LabShare
from desktop.lab.lab_switches import WEAKENING, apply_fix, apply_switch
from server.secret_key import replace_secret_key


class LabSettings:
    """Changes the lab's settings while it runs and keeps the switches and fixes that are on.

    Mixed into :class:`~desktop.lab.embedded_lab.Lab`, whose ``app``, ``config``, ``state`` and
    ``share`` it uses.
    """

    app: Flask
    config: dict
    share: ClassServer | LabShare | None

    def _init_settings(self, switches: frozenset[str], fixes: frozenset[str]) -> None:
        self._generated_key = self.app.config["SECRET_KEY"]
        self.switches: set[str] = set()
        for name in switches:
            self.set_switch(name, True)
        self.fixes: set[str] = set()
        for name in fixes:
            self.set_fix(name, True)

    def _settings_changed(self) -> None:
        # The class's server process keeps its own copy of the app's settings.
        if isinstance(self.share, ClassServer):
            self.share.update()

    def set_config(self, key: str, value) -> None:
        """Change a setting of the running app and of the app a restart builds."""
        self.config[key] = value
        self.app.config[key] = value
        self._settings_changed()

    def set_lifetimes(self, idle: float, absolute: float) -> None:
        """Change how long sessions live, from now on (the lesson's "short sessions")."""
        lifetimes = {"SESSION_IDLE_LIFETIME": idle, "SESSION_ABSOLUTE_LIFETIME": absolute}
        self.config.update(lifetimes)
        apply_settings(self.app, lifetimes)  # a signed cookie's too, as the factory sets it
        self._settings_changed()

    def set_switch(self, name: str, on: bool) -> None:
        """Turn one of :data:`~desktop.lab.lab_switches.WEAKENING` on or off."""
        apply_switch(self.app, name, on, self._generated_key)
        (self.switches.add if on else self.switches.discard)(name)
        self._settings_changed()

    def set_fix(self, name: str, on: bool) -> None:
        """Turn one of :data:`~desktop.lab.lab_switches.FIXES` on or off."""
        apply_fix(self.app, name, on)
        (self.fixes.add if on else self.fixes.discard)(name)
        self._settings_changed()

    def weakened(self) -> list[str]:
        """Say, in words, which weakening switches are on."""
        return [WEAKENING[name] for name in WEAKENING if name in self.switches]

    def rotate_secret_key(self) -> None:
        """Replace the secret key (and its file): every signed cookie stops being accepted."""
        self._generated_key = replace_secret_key(self.state.data_dir)
        if "weak_key" not in self.switches:
            self.app.secret_key = self._generated_key
        self._settings_changed()
