"""Garbage cycles are collected on the GUI thread, never on a server's or a request's thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from desktop.app.gui_thread_gc import collect_on_gui_thread


class Cycle(QObject):
    """A Qt object in a reference cycle: only the cycle collector can free it."""

    def __init__(self, died_on: list[str]) -> None:
        super().__init__()
        self.me = self
        self.destroyed.connect(lambda *_: None)
        self._died_on = died_on

    def __del__(self) -> None:
        self._died_on.append(threading.current_thread().name)


def test_cycles_die_on_the_gui_thread_even_when_another_thread_allocates(qtbot, qapp):
    collect_on_gui_thread(qapp)
    assert not gc.isenabled()
    died_on: list[str] = []
    Cycle(died_on)

    kept: list[list] = []

    def allocate() -> None:  # far past every threshold, and kept: Python would collect here
        kept.extend([] for _ in range(50_000))

    worker = threading.Thread(target=allocate, name="server-worker")
    worker.start()
    worker.join()
    assert died_on == []  # nothing was collected on the worker
    qtbot.waitUntil(lambda: died_on == ["MainThread"], timeout=5000)
    kept.clear()


def test_collection_is_handed_back_to_python(qapp):
    collector = collect_on_gui_thread(qapp)
    collector.stop()
    assert gc.isenabled()
    collector.start()
    assert not gc.isenabled()
