"""The window's running lab: attach, restart, switch store or switches, and the bars that say so."""

from __future__ import annotations

from collections.abc import Callable

from itsdangerous import BadSignature
from PySide6.QtCore import QObject, Slot

from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_link import LabLink
from desktop.window.banners import FAILURE_STYLE, NOTICE_STYLE, Banner
from server.runner import ServerStartError


def class_left_behind(old_store: str, students: int, store: str) -> str:
    """Say what a switch of store while shared did to the class's ``students`` sessions."""
    sessions = f"{students} session{'s' if students != 1 else ''}"
    if old_store == "cookie":
        # A page opened on the new store replaces the student's cookie: no way back then.
        return (
            f"The class's {sessions} {'was' if students == 1 else 'were'} in the students' own "
            f"cookies, which the {store} "
            "store does not read: students count as logged out and log in again."
        )
    if old_store == "memory":
        return (
            f"The class's {sessions} ended with the memory store: students log in again on "
            f"the {store} store."
        )
    return (
        f"The class's {sessions} stayed in the {old_store} store, out of sight while the lab "
        f"uses the {store} store: students count as logged out until the lab is back on "
        f"{old_store} (Server → Session store)."
    )


def _opens(serializer, value: str) -> bool:
    try:
        serializer.loads(value)
    except BadSignature:
        return False
    return True


class LabControls(QObject):
    """Follows one lab at a time for a window, and keeps the window's views in step with it.

    The window passes itself in; this reads its browsers, menus, status line and feed, and
    owns the three bars above the page: failure (red, with Restart), weakened server (red) and
    notices (yellow). GUI thread only.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.notice_banner = Banner("notice_banner", "Notice", NOTICE_STYLE)
        self.switch_banner = Banner("switch_banner", "Vulnerable server", FAILURE_STYLE)
        self.server_banner = Banner(
            "server_banner", "Server failure", FAILURE_STYLE, action="Restart server"
        )
        self.server_banner.action_clicked.connect(self.restart_server)
        #: Asked before a weakening switch goes on; False leaves it off (sharing asks).
        self.confirm_weakening: Callable[[str], bool] = lambda name: True
        self.link = LabLink(self)
        self.link.attached.connect(self._on_lab_attached)
        self.link.server_failed.connect(self._on_server_failed)
        self.link.store_failed.connect(self._on_store_failed)
        self.link.store_recovered.connect(self._on_store_recovered)
        #: The store the class's sessions were left in by a switch while shared, and how many.
        self._class_away: tuple[str, int] | None = None

    @property
    def banners(self) -> tuple[Banner, Banner, Banner]:
        """The bars, top to bottom: server failure, weakened server, notices."""
        return self.server_banner, self.switch_banner, self.notice_banner

    @property
    def lab(self) -> Lab | None:
        """The lab followed now (None once the window has closed)."""
        return self.link.lab

    def attach(self, lab: Lab) -> None:
        """Follow ``lab`` (already started)."""
        self.link.attach(lab)

    def close(self) -> Lab | None:
        """Stop following the lab; return it, its server stopped, for closing."""
        return self.link.close()

    @Slot(object)
    def _on_lab_attached(self, lab: Lab) -> None:
        # A new lab (the first, a restart, another store): browsers keep their jars.
        for browser in self.window.browsers:
            browser.controller.set_base_url(lab.url)
            self.point_browser(browser)
        self.show_notices()
        self.server_banner.clear()
        self.refresh_lab_view()

    def refresh_lab_view(self) -> None:
        """Show the lab afresh: its store, switches, status and the front browser's jar."""
        self.window.menus.show_lab(self.lab)
        self.window.status.show_lab(self.lab)
        self.update_switch_banner()
        self.window.feed.show_lab()

    def replace_lab(
        self, make_lab: Callable[[Lab], Lab], reason: str = "the session server restarted"
    ) -> bool:
        """Close the lab and follow the one ``make_lab(old)`` builds (a restart, a new store).

        If that lab cannot start, the old one's store and files come back on any free port, so
        the window always has a server; the red bar says what happened. Returns success.
        A request still running is told ``reason``, so its narration does not guess.
        """
        for browser in self.window.browsers:
            browser.controller.interrupt(reason)
        failure = self.link.replace(make_lab)
        if failure is not None:
            self.server_banner.show_text(failure)
        return failure is None

    @Slot()
    def restart_server(self) -> None:
        """Restart the server as a new process would start: same store, files and port."""
        if self.replace_lab(lambda old: old.rebuilt()):
            self.window.status.show_message(f"The session server restarted on {self.lab.url}.")

    def switch_store(self, store: str, remember: bool = True) -> None:
        """Restart the server with another session store; remember the teacher's own choice.

        A walkthrough passes ``remember=False``: its store is the scenario's, not the teacher's.
        """
        old_store = self.lab.state.store_name
        if old_store == store:
            return
        if self._class_away is not None and self._class_away[0] in ("memory", "cookie"):
            self._class_away = None  # said once: those sessions are gone for good
        students = self._class_sessions_stored()
        if not self.replace_lab(
            lambda old: old.rebuilt(store=store),
            f"the session server restarted with the {store} store",
        ):
            return  # the old store came back, and the class's sessions with it
        if remember:
            self.window.settings.store = store
        if students:
            self._class_away = (old_store, students)
        elif self._class_away is not None and self._class_away[0] == store:
            self._class_away = None  # back where the class's sessions are
        self.show_notices()

    def show_notices(self) -> None:
        """Show the lab's start-up notices in the yellow bar, and where the class's sessions are.

        The class's sessions left in another store are a standing condition, not a moment's
        news: the bar says so for as long as it lasts, through restarts and further switches.
        """
        notices = list(self.lab.notices)
        if self._class_away is not None:
            notices.append(class_left_behind(*self._class_away, self.lab.state.store_name))
        self.notice_banner.show_text(" ".join(notices))

    def _class_sessions_stored(self) -> int:
        # How many of the store's sessions the class's devices hold (none unless shared).
        students = self.window.class_sessions()
        if self.lab.state.store_name == "cookie":
            # Held in the students' own cookies, which the lab cannot list: count those its key
            # opens (a device may still hold another store's session id).
            serializer = self.lab.app.session_interface.get_signing_serializer(self.lab.app)
            return sum(_opens(serializer, value) for value in students)
        return sum(record.sid in students for record in self.lab.sessions()) if students else 0

    def set_switch(self, name: str, on: bool) -> None:
        """Turn a weakening switch of the server on or off; the red bar says which are on."""
        if on and name not in self.lab.switches and not self.confirm_weakening(name):
            self.window.menus.show_lab(self.lab)  # the menu's check mark goes back off
            return
        self.lab.set_switch(name, on)
        self.window.menus.show_lab(self.lab)
        self.update_switch_banner()

    def point_browser(self, browser) -> None:
        """Tell a browser the lab's https address (or that there is none) and its CA file."""
        lab = self.lab
        if lab is not None:
            browser.controller.set_https(lab.https_url, lab.ca_file)

    def set_https(self, on: bool) -> bool:
        """Serve over https on a second port too, or stop; return whether it went as asked.

        A port that cannot be listened on, or a CA file that cannot be written, leaves the lab
        on http only, and the yellow bar and the status line say why.
        """
        lab = self.lab
        try:
            url = lab.serve_https(on)
        except (ServerStartError, OSError) as error:
            url, failure = None, f"The lab could not serve over https ({error}); it serves "
            failure += "over http only."
            lab.notices.append(failure)
            self.window.status.show_message(failure, "error")
        else:
            failure = None
            self.window.status.show_message(
                f"The lab serves over https too, on {url}, with a certificate of its own CA, "
                "which the lab's browsers trust."
                if on
                else "The lab serves over http only."
            )
        for browser in self.window.browsers:
            self.point_browser(browser)
        self.show_notices()
        self.window.status.show_lab(lab)
        return failure is None

    def set_lifetimes(self, idle: int, absolute: int) -> None:
        """Give new sessions these idle and absolute lifetimes, in seconds."""
        self.lab.set_lifetimes(idle, absolute)
        self.window.menus.show_lab(self.lab)

    def update_switch_banner(self) -> None:
        """Show the red bar while any weakening switch is on."""
        weakened = self.lab.weakened() if self.lab else []
        shared = self.lab.share_url if self.lab else None
        title = "VULNERABLE SERVER" + (f", FOR EVERYONE ON {shared}" if shared else "") + ": "
        text = title + "; ".join(weakened) + "." if weakened else ""
        self.switch_banner.show_text(text)

    @Slot(str)
    def _on_server_failed(self, message: str) -> None:
        self.server_banner.show_text(f"The session server stopped: {message}")
        self.window.status.show_message(
            "The session server stopped; restart it from the red bar.", "error"
        )

    @Slot(str)
    def _on_store_failed(self, message: str) -> None:
        remedy = (
            "Start Redis again"
            if self.lab is not None and self.lab.state.store_name == "redis"
            else "Free some disk space"
        )
        self.server_banner.show_text(
            f"The session store fails, so the server answers 503 to pages that need a session: "
            f"{message}. {remedy} or switch the store (Server → Session store)."
        )

    @Slot()
    def _on_store_recovered(self) -> None:
        self.server_banner.clear()

    def report_not_running(self) -> None:
        """Say in the red bar that the server is down, if a failed request found it so."""
        if self.lab is not None and not self.lab.server.running:
            self.server_banner.show_text("The session server is not running.")
