"""Server → Share on the local network: students join from their own devices.

Owns what sharing adds to the window: the menu items, the blue bar that says the lab is shared
and where, the join dialog (URL and QR code), the class view, the compact summary of the
class's requests above the timeline, "Held by" names for students' browsers, and the question
asked before a weakening switch goes on for everyone. The server's threads hand the class's
requests to the lab's collector; a timer here takes them on the GUI thread a few times a second,
so a busy room costs the window one short update per tick, not one per request.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from desktop.inspectors.class_roster import ClassRoster, now
from desktop.inspectors.class_rows import class_rows
from desktop.inspectors.class_view import ClassView
from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_share import local_addresses
from desktop.lab.lab_switches import WEAKENING
from desktop.ui.colours import set_severity
from desktop.ui.one_line_label import OneLineLabel
from desktop.ui.widget_names import name_widget
from desktop.window.banners import Banner, BannerStyle
from desktop.window.join_dialog import JoinDialog
from server.runner import ServerStartError

SHARED_STYLE = BannerStyle("#0b4f8a", "#ffffff", bold=True)
TAKE_INTERVAL_MS = 250  # how often the class's requests are taken from the server
REFRESH_EVERY = 4  # ticks between refreshes of the class view and expiry of old sends


class ShareControls(QObject):
    """Sharing for one window (GUI thread only); the window passes itself in."""

    def __init__(self, window, server_menu, view_menu) -> None:
        super().__init__(window)
        self.window = window
        self.roster = ClassRoster()
        self.class_view: ClassView | None = None
        self.join_dialog: JoinDialog | None = None
        #: Why the last :meth:`share` was refused, whole.
        self.refusal = ""
        self.banner = Banner("share_banner", "Shared with the class", SHARED_STYLE, "Show QR code")
        self.banner.action_clicked.connect(self.show_join_address)
        self.summary = name_widget(OneLineLabel(), "class_traffic_summary", "The class's requests")
        self.summary.hide()
        window.inspectors.timeline_box.layout().insertWidget(0, self.summary)

        server_menu.addSeparator()
        self.share_action = self._add(
            server_menu, "Share on the local &network…", "share_action", self.ask_to_share
        )
        self.join_action = self._add(
            server_menu, "Show the &join address and QR code", "join_action", self.show_join_address
        )
        self.stop_action = self._add(
            server_menu, "Stop s&haring", "stop_sharing_action", self.stop_sharing
        )
        self._add(
            view_menu, "Class &view (for the projector)", "class_view_action", self.show_class_view
        )

        window.controls.confirm_weakening = self.confirm_weakening
        window.controls.link.attached.connect(self._on_attached)
        # The class's server can fail on its own (its process ended): the bar must not go on
        # inviting students to an address nobody answers.
        window.controls.link.server_failed.connect(self._on_server_failed)
        window.controls.link.session_event.connect(self._mark_dirty)
        self._dirty = False
        self._ticks = 0
        self._timer = QTimer(self, interval=TAKE_INTERVAL_MS)
        self._timer.timeout.connect(self._take_requests)
        self._timer.start()

    def _add(self, menu, text: str, name: str, slot) -> QAction:
        action = QAction(text, menu)
        action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    @property
    def lab(self) -> Lab | None:
        """The window's lab."""
        return self.window.lab

    # Sharing on and off

    @Slot()
    def ask_to_share(self) -> None:
        """Ask which address to share on (this computer's, the default route's first); share."""
        candidates = local_addresses()
        if self.lab.share_address and self.lab.share_address not in candidates:
            candidates.insert(0, self.lab.share_address)
        address, ok = QInputDialog.getItem(
            self.window,
            "Share on the local network",
            "Students on the same network will open the lab at this computer's address.\n"
            "Share on (an address of this computer):",
            candidates,
            0,
            True,
        )
        if ok and address.strip() and self.share(address.strip()) is None:
            # Asked in a dialog, answered in one: the status line cuts a long reason short
            # ("…is this com…" at presenter zoom), and the teacher must read why.
            QMessageBox.warning(self.window, "Not shared", self.refusal)

    def share(self, address: str) -> str | None:
        """Serve the lab on ``address`` as well, show where; return the URL, or None (said why)."""
        try:
            url = self.lab.share_on(address)
        except (ValueError, ServerStartError) as error:
            self.refusal = f"Could not share on {address}: {error}"
            self.window.status.show_message(self.refusal, "error")
            self.show_state()
            return None
        self.window.status.show_message(f"Shared with the class on {url}.")
        self.show_state()
        self.show_join_address()
        return url

    @Slot()
    def stop_sharing(self) -> None:
        """Serve on this computer's loopback only again."""
        if self.lab is not None and self.lab.share is not None:
            self.lab.stop_sharing()
            self.window.status.show_message("Sharing stopped: the lab runs on this computer only.")
        if self.join_dialog is not None:
            self.join_dialog.close()
        self.show_state()

    @Slot()
    def show_join_address(self) -> None:
        """Show the shared URL large, with its QR code."""
        url = self.lab.share_url if self.lab else None
        if url is None:
            return
        if self.join_dialog is not None:
            self.join_dialog.close()
            self.join_dialog.deleteLater()
        # Presenter zoom's keys work in the dialog too: it is what the projector shows.
        self.join_dialog = JoinDialog(
            url, self.stop_sharing, self.window, self.window.zoom.actions()
        )
        self.join_dialog.show()
        self.join_dialog.raise_()
        self.join_dialog.activateWindow()  # Escape and the keys reach it, not the window

    def show_state(self) -> None:
        """Show in the bar, the menu, the red bar and the class view whether the lab is shared."""
        url = self.lab.share_url if self.lab else None
        self.banner.show_text(
            f"SHARED WITH THE CLASS: students open {url} (this computer's {self.lab.share_address})"
            ". Every change to the server is for everyone. Server → Stop sharing ends it."
            if url
            else ""
        )
        self.join_action.setEnabled(url is not None)
        self.stop_action.setEnabled(url is not None)
        self.window.controls.update_switch_banner()
        self._refresh_class_view()

    @Slot(object)
    def _on_attached(self, lab: Lab) -> None:
        # A restart or another store: sharing follows the lab (or failed, said in its notices).
        self.show_state()

    @Slot(str)
    def _on_server_failed(self, message: str) -> None:
        self.show_state()

    def confirm_weakening(self, name: str) -> bool:
        """While shared, ask before a weakening switch goes on: it is on for every student."""
        url = self.lab.share_url if self.lab else None
        if url is None:
            return True
        answer = QMessageBox.warning(
            self.window,
            "Weaken the shared server?",
            f"The lab is shared on {url}. Turning this on weakens the server for every student "
            f"using it, not only for your own browsers:\n\n{WEAKENING[name]}.\n\nTurn it on?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # The class's requests

    @Slot()
    def _mark_dirty(self, *_) -> None:
        self._dirty = True

    @Slot()
    def _take_requests(self) -> None:
        lab = self.lab
        if lab is None:
            return
        taken = lab.class_requests.take()
        for seen in taken:
            self.roster.add(seen)
        self._ticks += 1
        periodic = self._ticks % REFRESH_EVERY == 0
        if not taken and not periodic:
            return
        if periodic:
            self.roster.forget_old(now())
        self.window.inspectors.session_model.set_remote_holders(self.roster.holders())
        summary = self.roster.summary()
        self.summary.set_full_text(summary)
        set_severity(self.summary, "warning" if self.roster.refusals() else "info")
        self.summary.setVisible(bool(summary))
        if taken:
            self._dirty = True
        if periodic and self._dirty:
            self._refresh_class_view()

    def class_sessions(self) -> set[str]:
        """The sessions the class's devices hold now: File → Reset keeps them while shared."""
        if self.lab is None or self.lab.share_url is None:
            return set()
        self._take_requests()  # a device that logged in a moment ago counts too
        return set(self.roster.holders())

    @Slot()
    def show_class_view(self) -> QWidget:
        """View → Class view: the store as a projector-friendly table, live."""
        if self.class_view is None:
            self.class_view = ClassView()
            self.class_view.addActions(self.window.zoom.actions())  # Ctrl+plus on the projector
            self.class_view.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.class_view.show()
        self.class_view.raise_()
        self._refresh_class_view()
        return self.class_view

    def _refresh_class_view(self) -> None:
        self._dirty = False
        view, lab = self.class_view, self.lab
        if view is None or not view.isVisible() or lab is None:
            return
        model = self.window.inspectors.session_model
        rows, counts = class_rows(model.records(), model.holders, self.roster)
        view.show_class(rows, counts, lab.share_url)

    def close(self) -> None:
        """Stop taking requests and close the class view and the join dialog."""
        self._timer.stop()
        for widget in (self.class_view, self.join_dialog):
            if widget is not None:
                widget.close()
                widget.deleteLater()
