"""File → Watch a server…: the store inspector follows another server's store, read-only.

Owns the menu item, the dialog, the violet bar that says what is watched (with Stop watching),
and the watch itself (:class:`~desktop.lab.store_watch.StoreWatch`). The lab's browsers keep
using the lab's own server; only the Session store inspector changes what it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from desktop.lab.store_watch import RETRY_INTERVAL, StoreWatch
from desktop.window.banners import Banner, BannerStyle
from desktop.window.watch_dialog import WatchDialog

WATCH_STYLE = BannerStyle("#4a2a7a", "#ffffff", bold=True)


class WatchControls(QObject):
    """Watching for one window (GUI thread only); the window passes itself in."""

    def __init__(self, window, file_menu) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: WatchDialog | None = None
        self.description: str | None = None
        self._last_target = ""
        self.banner = Banner("watch_banner", "Watching a server", WATCH_STYLE, "Stop watching")
        self.banner.action_clicked.connect(self.stop)
        # Only Stop watching ends a watch: a bar hidden by ✕ would leave it running unsaid.
        self.banner.findChild(QPushButton, "watch_banner_dismiss").hide()
        self.watch = StoreWatch(self)
        self.watch.opened.connect(self._on_opened)
        self.watch.open_failed.connect(self._on_open_failed)
        self.watch.session_event.connect(window.feed.on_watched_event)
        self.watch.lost.connect(self._on_lost)
        self.watch.resumed.connect(self._on_resumed)
        # Reset, and every scenario and challenge (they start with one), is about the lab's own
        # store: its steps find and highlight the lab's sessions there.
        window.lab_reset.finished.connect(self.stop)

        self.action = QAction("&Watch a server…", file_menu)
        self.action.setObjectName("watch_server_action")
        self.action.triggered.connect(self.ask)
        reset = next(a for a in file_menu.actions() if a.objectName() == "reset_lab_action")
        file_menu.insertAction(reset, self.action)

    @Slot()
    def ask(self) -> WatchDialog:
        """Open the dialog asking what to watch (it stays open until a watch opens)."""
        if self.dialog is None or not self.dialog.isVisible():
            # Built afresh each time: it measures its text in the font of now (presenter zoom).
            if self.dialog is not None:
                self.dialog.deleteLater()
            self.dialog = WatchDialog(self._last_target, self.window)
            self.dialog.target_chosen.connect(self.start)
            self.dialog.rejected.connect(self._on_dialog_cancelled)
        self.dialog.open()
        return self.dialog

    @Slot(str)
    def start(self, target: str) -> None:
        """Watch ``target`` (a Redis URL, a session database or a data directory)."""
        self._last_target = target
        self.watch.start(target)

    @Slot()
    def stop(self) -> None:
        """Stop watching: the store inspector shows the lab's own store again."""
        self.watch.stop()
        self.banner.clear()
        if self.description is not None:
            self.description = None
            self.window.status.show_watching(None)
            self.window.feed.unwatch()
            self.window.status.show_message("Stopped watching; the store view shows the lab's.")

    def close(self) -> None:
        """Stop the watch (the window is closing); its thread is not waited for."""
        self.watch.stop()

    @Slot()
    def _on_dialog_cancelled(self) -> None:
        if self.description is None:  # still opening: give up on it
            self.watch.stop()

    @Slot(str, list)
    def _on_opened(self, description: str, records: list) -> None:
        self.description = description
        self.window.status.show_watching(description)
        self.window.feed.watch(description, records)
        self._say_watching()
        if self.dialog is not None:
            self.dialog.accept()
        self.window.inspectors.focus_inspector("store")

    def _say_watching(self) -> None:
        self.banner.show_text(
            f"WATCHING {self.description} (read-only): the Session store shows its sessions, "
            "live. The browsers here still use this lab's server."
        )

    @Slot(str)
    def _on_open_failed(self, message: str) -> None:
        if self.description is not None:  # a running watch ended on an unexpected error
            self.stop()
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.show_error(message)
        else:
            self.window.status.show_message(f"Cannot watch: {message}", "error")

    @Slot(str)
    def _on_lost(self, message: str) -> None:
        self.banner.show_text(
            f"WATCHING {self.description}, BUT IT CANNOT BE READ: {message}. Trying again every "
            f"{RETRY_INTERVAL:g} s; the rows shown may be out of date."
        )
        self.window.status.show_message(f"The watched store cannot be read: {message}", "error")

    @Slot(list)
    def _on_resumed(self, records: list) -> None:
        if self.description is not None:
            self.window.feed.watch(self.description, records)
            self._say_watching()
            self.window.status.show_message(f"Reading {self.description} again.")
