"""What the inspectors show: the front browser's jar, the store's rows and every exchange."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import suppress
from typing import Protocol

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from desktop.browser.exchange import CookieRow, Exchange
from desktop.browser.lab_browser import LabBrowser
from desktop.inspectors.panel import InspectorPanel
from desktop.inspectors.timeline_recorder import TimelineRecorder
from desktop.lab.class_server import CLASS_ORIGIN
from desktop.lab.cookie_settings import remember_me, remember_tokens
from desktop.lab.embedded_lab import Lab
from desktop.lab.remember_bridge import RememberBridge
from server.records import SessionEvent, is_sound

log = logging.getLogger(__name__)

WATCHED_SHOWN = 60  # characters of a watched store's name the status line shows

COOKIE_STORE_NOTE = (
    "Cookie store: the whole session travels in the browser's signed cookie; the server keeps "
    "nothing, so there is nothing to list here."
)


class LabView(Protocol):
    """What the feed reads of the window it feeds: the lab it follows and its browsers."""

    browsers: Sequence[LabBrowser]

    @property
    def lab(self) -> Lab | None: ...

    @property
    def current_browser(self) -> LabBrowser: ...


class InspectorFeed(QObject):
    """Feeds a panel of inspectors from a window's lab events and its browsers' exchanges.

    Runs on the GUI thread only: every input arrives by a signal Qt has queued there.
    """

    #: Where sessions live and how many are live, for the status line.
    store_summary_changed = Signal(str)
    #: A lab's sessions, read on a worker by :meth:`reload_sessions` (lab, records).
    _sessions_read = Signal(object, object)

    def __init__(self, inspectors: InspectorPanel, window: LabView) -> None:
        super().__init__(inspectors)
        self.window = window
        self.inspectors = inspectors
        self.recorder = TimelineRecorder()
        self._remember_bridge: RememberBridge | None = None
        #: What the store view shows instead of the lab's store (File → Watch a server…).
        self.watching: str | None = None
        self._last_change = ""
        self._sizes_before_watch: list[int] = []
        # The store may be a busy SQLite file or a slow Redis: read it off the GUI thread.
        self._reader = QThreadPool(self)
        self._reader.setMaxThreadCount(1)
        self._sessions_read.connect(self._show_sessions_read)

    def show_lab(self) -> None:
        """Start afresh on the window's (new) lab: empty timeline, its store's rows, the jar."""
        self.recorder.clear()
        if self.watching is None:
            self.inspectors.session_model.reset(self.window.lab.sessions())
        self.update_store_status()
        self.refresh_jar_view()
        self._follow_remember_tokens()

    def reload_sessions(self) -> None:
        """Show the lab's sessions afresh (after a server lost its memory), read on a worker.

        While another server is watched the store view is that server's, and stays so.
        """
        lab = self.window.lab
        if lab is not None and self.watching is None:
            self._reader.start(lambda: self._read_sessions(lab))

    def _read_sessions(self, lab: Lab) -> None:
        # On the reader's thread: the signal queues the records onto the GUI thread.
        try:
            records = lab.sessions()
        except Exception as error:  # a closed or failing store: its events tell the rest
            log.warning("could not read the lab's sessions: %s", error)
            return
        with suppress(RuntimeError):  # the window (and this feed) closed meanwhile
            self._sessions_read.emit(lab, records)

    @Slot(object, object)
    def _show_sessions_read(self, lab: Lab, records: list) -> None:
        # Read for a lab since replaced, or before a watch began: not what the view shows now.
        if lab is self.window.lab and self.watching is None:
            self.inspectors.session_model.reset(records)
            self.update_store_status()

    def _follow_remember_tokens(self) -> None:
        if self._remember_bridge is not None:
            self._remember_bridge.disconnect_app()
            self._remember_bridge.deleteLater()
        self._remember_bridge = RememberBridge(self.window.lab.app, self)
        self._remember_bridge.changed.connect(self.refresh_remember_tokens)
        self.refresh_remember_tokens()

    @Slot()
    @Slot(object)
    def refresh_remember_tokens(self, change=None) -> None:
        """Show the lab's remember-me tokens afresh (after any change to them)."""
        lab = self.window.lab
        if lab is not None:
            self.inspectors.show_remember_tokens(remember_tokens(lab), remember_me(lab))

    @Slot(object)
    def on_session_event(self, event: SessionEvent) -> None:
        """Apply a session event of the lab's server to the store view and the timeline.

        While another store is watched, the store view shows that one: the event goes only to
        the timeline (the lab's browsers still talk to the lab's server).
        """
        if self.watching is None:
            self.inspectors.session_model.apply(event)
        if event.origin != CLASS_ORIGIN:  # no exchange of the lab's browsers claims these
            self.recorder.add_event(event)
        self.update_store_status()

    def watch(self, description: str, records: list) -> None:
        """Show a watched store's sessions in the store view, instead of the lab's.

        The store view gets most of the inspectors' height: it is what a class watches now.
        """
        if self.watching is None:
            self._sizes_before_watch = self.inspectors.sizes()
            total = sum(self._sizes_before_watch)
            self.inspectors.setSizes([total * 15 // 100, total * 55 // 100, total * 30 // 100])
        self.watching = description
        self._last_change = ""
        self.inspectors.session_model.reset(records)
        self.inspectors.store_box.setTitle("Session store (watched, read-only)")
        self.update_store_status()

    @Slot(object)
    def on_watched_event(self, event: SessionEvent) -> None:
        """Apply a change of the watched store to the store view; say what it was, and where."""
        if self.watching is None:
            return
        if not is_sound(event):  # the feeds drop such events; one made here by hand is too
            log.warning("not showing a watched event that no server sends: %.200r", event)
            return
        self.inspectors.session_model.apply(event)
        user = (event.record.data.get("userid") if event.record else None) or "no user"
        where = f" by the server process {event.origin}" if event.origin else ""
        self._last_change = (
            f"Last change: session {event.sid[:6]}… ({user}) {event.kind}{where}, "
            f"{time.strftime('%H:%M:%S', time.localtime(event.at))}."
        )
        self.update_store_status()

    def unwatch(self) -> None:
        """Show the lab's own store again."""
        self.watching = None
        self.inspectors.store_box.setTitle("Session store (server)")
        self.inspectors.setSizes(self._sizes_before_watch)
        lab = self.window.lab
        if lab is not None:
            self.inspectors.session_model.reset(lab.sessions())
            self.update_store_status()

    def on_exchange(self, browser: LabBrowser, exchange: Exchange) -> None:
        """Add a row to the timeline, saying what the exchange changed in the jar and store.

        Called by the window while it follows a lab.
        """
        lab = self.window.lab
        sent = exchange.cookies_sent.get(lab.cookie_name)
        signature_ok = None
        if sent is not None and not lab.server_side:
            from desktop.inspectors.cookie_forensics import guess_secret_key

            signature_ok = guess_secret_key(sent, [lab.app.secret_key]).key is not None
        entry = self.recorder.entry_for(
            browser.name,
            exchange,
            server_side=lab.server_side,
            cookie_name=lab.cookie_name,
            signature_ok=signature_ok,
        )
        self.inspectors.traffic_model.append(entry)

    @Slot(object)
    def on_jar_changed(self, browser: LabBrowser) -> None:
        """Mark which browsers hold which session; show the jar if it is the front browser's."""
        lab = self.window.lab
        if lab is None:
            return
        holders: dict[str, list[str]] = {}
        for each in self.window.browsers:
            sid = each.cookie(lab.cookie_name)
            if sid:
                holders.setdefault(sid, []).append(each.name)
        self.inspectors.session_model.set_holders(holders)
        if browser is self.window.current_browser:
            self.refresh_jar_view()

    def refresh_jar_view(self) -> None:
        """Show the front browser's jar, mark its session's row, decode a cookie session."""
        lab, browsers = self.window.lab, self.window.browsers
        if not browsers or lab is None:
            return
        browser = self.window.current_browser
        self.inspectors.show_jar_of(browser.name)
        self.inspectors.cookie_model.set_rows(browser.jar)
        session_cookie = browser.cookie(lab.cookie_name)
        self.inspectors.session_model.set_current_sid(session_cookie)
        payload = None
        if session_cookie and not lab.server_side:
            from desktop.inspectors.cookie_forensics import decode_cookie_payload

            payload = decode_cookie_payload(session_cookie)
        self.inspectors.show_cookie_payload(
            f"Decoded cookie payload: {payload} — anyone can read this; only the server can "
            "sign it."
            if payload is not None
            else ""
        )

    @Slot(object, str)
    def on_cookie_edited(self, row: CookieRow, value: str) -> None:
        """Put a value edited in the jar table into the front browser's jar."""
        max_age = None if row.expires is None else max(0, int(row.expires - time.time()))
        self.window.current_browser.controller.set_cookie(
            row.name,
            value,
            secure=row.secure,
            max_age=max_age,
            http_only=row.http_only,
            same_site=row.same_site or "Lax",
        )

    def update_store_status(self) -> None:
        """Say where sessions live and, for a server-side store, how many are live."""
        lab = self.window.lab
        if self.watching is not None:
            count = self.inspectors.session_model.rowCount()
            # A long path would widen the window: its middle gives way (the bar has it whole).
            short = self.watching
            if len(short) > WATCHED_SHOWN:
                short = f"{short[: WATCHED_SHOWN // 3]}…{short[-(WATCHED_SHOWN * 2 // 3) :]}"
            self.store_summary_changed.emit(
                f"Watching {short}: {count} session{'s' if count != 1 else ''}"
            )
            self.inspectors.store_note.setText(
                f"Watching {self.watching}, read-only: its sessions, live from its servers. "
                + self._last_change
            )
            return
        if not lab.server_side:
            self.store_summary_changed.emit("Sessions: in the browser's cookie")
            self.inspectors.store_note.setText(COOKIE_STORE_NOTE)
            return
        self.store_summary_changed.emit(
            f"Live sessions: {self.inspectors.session_model.rowCount()}"
        )
        self.inspectors.store_note.setText(lab.state.store.description)
