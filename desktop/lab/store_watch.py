"""Follows another server's session store (File → Watch a server…) on a thread of its own.

The feed (:mod:`server.change_feed`) blocks: it waits on Redis or polls an SQLite file. It runs
on a Python thread that only emits signals, which Qt queues onto the GUI thread. Each watch has
a number; what a stopped watch still emits is dropped, so a new watch never shows an old one's
rows. Nothing here writes to the watched store: the feeds only read.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

from server.change_feed import ChangeFeed, WatchError
from server.stores import StoreUnavailable
from server.watch_target import open_feed

log = logging.getLogger(__name__)

WAIT = 0.5  # seconds a feed waits for changes: how soon a stopped watch notices
RETRY_INTERVAL = 2.0  # seconds between two tries to reach a store that went away


class StoreWatch(QObject):
    """Watches one store at a time; says what it found, each change, and losing it and back."""

    opened = Signal(str, list)  # what is watched, its sessions now
    open_failed = Signal(str)  # why it cannot be watched (a sentence for the window)
    session_event = Signal(object)  # SessionEvent from the watched store
    lost = Signal(str)  # the store went away (Redis stopped, the file vanished); retrying
    resumed = Signal(list)  # reached again: its sessions now (changes meanwhile included)

    # What the thread emits, with the number of the watch it belongs to.
    _opened = Signal(int, str, list)
    _open_failed = Signal(int, str)
    _event = Signal(int, object)
    _lost = Signal(int, str)
    _resumed = Signal(int, list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._number = 0
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._opened.connect(self._forward_opened)
        self._open_failed.connect(self._forward_open_failed)
        self._event.connect(self._forward_event)
        self._lost.connect(self._forward_lost)
        self._resumed.connect(self._forward_resumed)

    @property
    def active(self) -> bool:
        """Whether a watch is opening or running."""
        return self._stop is not None

    def start(self, target: str) -> None:
        """Stop any watch, then open ``target`` (a Redis URL, a file, a data directory)."""
        self.stop()
        self._number += 1
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._number, target, self._stop), name="store-watch",
            daemon=True,
        )  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        """Stop watching; the thread is not waited for, not even at quit (closing stays quick).

        It is a daemon thread that ends on its own once its feed answers (within :data:`WAIT`
        while following); whatever it still emits is dropped.
        """
        if self._stop is not None:
            self._stop.set()
        self._stop = self._thread = None
        self._number += 1  # anything the stopped watch still emits is dropped

    def _run(self, number: int, target: str, stop: threading.Event) -> None:
        # On the watch's thread: emit only. Whatever goes wrong is said, never left unsaid with
        # the dialog still "Opening…".
        try:
            self._watch(number, target, stop)
        except Exception as error:
            log.exception("watching %r failed", target)
            self._emit("_open_failed", number, f"Cannot watch {target}: {error}.")

    def _emit(self, signal: str, *args) -> None:
        # RuntimeError: this object was deleted (the window closed) while the thread ran.
        with contextlib.suppress(RuntimeError):
            getattr(self, signal).emit(*args)

    def _watch(self, number: int, target: str, stop: threading.Event) -> None:
        try:
            feed = open_feed(target)
        except WatchError as error:
            self._emit("_open_failed", number, str(error))
            return
        try:
            try:
                records = feed.snapshot()
            except StoreUnavailable as error:
                self._emit("_open_failed", number, f"Cannot read {feed.description}: {error}.")
                return
            self._emit("_opened", number, feed.description, records)
            self._follow(number, feed, stop)
        finally:
            feed.close()

    def _follow(self, number: int, feed: ChangeFeed, stop: threading.Event) -> None:
        away = False
        while not stop.is_set():
            try:
                if away:
                    records = feed.snapshot()
                    away = False
                    self._emit("_resumed", number, records)
                for event in feed.changes(WAIT):
                    self._emit("_event", number, event)
            except StoreUnavailable as error:
                if not away:
                    away = True
                    self._emit("_lost", number, str(error))
                stop.wait(RETRY_INTERVAL)

    @Slot(int, str, list)
    def _forward_opened(self, number: int, description: str, records: list) -> None:
        if number == self._number:
            self.opened.emit(description, records)

    @Slot(int, str)
    def _forward_open_failed(self, number: int, message: str) -> None:
        if number == self._number:
            self._stop = self._thread = None
            self.open_failed.emit(message)

    @Slot(int, object)
    def _forward_event(self, number: int, event) -> None:
        if number == self._number:
            self.session_event.emit(event)

    @Slot(int, str)
    def _forward_lost(self, number: int, message: str) -> None:
        if number == self._number:
            self.lost.emit(message)

    @Slot(int, list)
    def _forward_resumed(self, number: int, records: list) -> None:
        if number == self._number:
            self.resumed.emit(records)
