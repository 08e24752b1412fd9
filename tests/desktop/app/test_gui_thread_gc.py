"""Garbage cycles are collected on the GUI thread, never on a server's or a request's thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from desktop.app import gui_thread_gc
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


class FakeGc:
    """The oldest generation past its threshold, holding ``old`` objects (none frozen)."""

    def __init__(self, old: int) -> None:
        self.old = old
        self.collected: list[int] = []

    def get_count(self):
        return (0, 0, 11)

    def get_objects(self, generation=None):
        return [None] * self.old

    def collect(self, generation=2):
        self.collected.append(generation)
        return 0


def test_a_full_collection_waits_for_a_quarter_more_long_lived_objects(qapp, monkeypatch):
    collector = collect_on_gui_thread(qapp)
    fake = FakeGc(old=1000)
    monkeypatch.setattr(gui_thread_gc, "gc", fake)
    monkeypatch.setattr(gui_thread_gc, "FULL_CHECK_INTERVAL", 0.0)
    collector._long_lived = 0
    assert collector.collect_if_due() == 2  # everything in it is new: due
    assert collector._long_lived == 1000
    fake.old = 1200  # a fifth more: not yet, as Python would not either
    assert collector.collect_if_due() is None and fake.collected == [2]
    fake.old = 1300  # more than a quarter: due
    assert collector.collect_if_due() == 2 and fake.collected == [2, 2]


def test_settling_leaves_what_lives_out_of_later_collections(qapp):
    collector = collect_on_gui_thread(qapp)
    before = len(gc.get_objects(generation=2))
    try:
        collector.settle()
        assert gc.get_freeze_count() > before / 2  # the oldest generation, and what it held
        assert len(gc.get_objects(generation=2)) < before / 10  # left for full collections
    finally:
        gc.unfreeze()  # the other tests' objects are not the app's for good
