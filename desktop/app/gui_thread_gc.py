"""Python's cycle collector runs on the GUI thread only.

Python collects reference cycles in whichever thread passes its allocation threshold. In this
app that is often a worker of the embedded server or a browser's request thread, and a cycle
that holds a Qt object then destroys it there: Qt takes its connection lock on that thread and
PySide waits for the interpreter lock, while the GUI thread holds that lock and waits for Qt's
(a window that hangs for good; seen as a hung test). So automatic collection is switched off
and a timer on the GUI thread collects instead, each generation when Python's own rules say it
is due. Plain reference counting still frees everything else at once, on any thread.

A full collection walks every object the app holds: about 90 ms with the window and the lab
up, a freeze on the projector. So once the window is up, :meth:`GuiThreadCollector.settle`
collects once and freezes what lives then (``gc.freeze``: modules, widgets, the lab, which live
as long as the app), and, as Python does, a full collection waits until the objects that
reached the oldest generation since the last one are a quarter of those it kept.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

#: How often the counts are looked at. Often, so the young generations stay small: a young
#: collection takes under 1 ms. Every 250 ms, a class joining left 5-20 ms collections.
INTERVAL_MS = 50
FULL_CHECK_INTERVAL = 2.0  # seconds between two counts of the oldest generation (a list of it)
LONG_LIVED_RATIO = 0.25  # Python's own: full collection once the newcomers are this share


class GuiThreadCollector(QObject):
    """Collects garbage on the thread it lives on (the GUI thread), never elsewhere."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._long_lived = 0  # objects the oldest generation kept at its last collection
        self._last_full_check = float("-inf")
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.collect_if_due)
        self.start()

    def start(self) -> None:
        """Take collection over from Python."""
        gc.disable()
        self._timer.start()

    @Slot()
    def collect_if_due(self) -> int | None:
        """Collect the oldest generation that is due, as Python would; return it, or None."""
        counts = gc.get_count()
        if counts[2] > self._thresholds[2] and self._full_collection_due():
            gc.collect(2)
            self._long_lived = len(gc.get_objects(generation=2))
            return 2
        for generation in (1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return generation
        return None

    def _full_collection_due(self) -> bool:
        # Counting the oldest generation lists it: done every few seconds at most.
        now = time.monotonic()
        if now - self._last_full_check < FULL_CHECK_INTERVAL:
            return False
        self._last_full_check = now
        newcomers = len(gc.get_objects(generation=2)) - self._long_lived
        return newcomers > self._long_lived * LONG_LIVED_RATIO

    def settle(self) -> None:
        """Collect everything once, then leave out of later collections what lives now.

        For the app once its window is up: what it built to start lives until it quits.
        """
        gc.collect()
        gc.freeze()
        self._long_lived = 0

    def stop(self) -> None:
        """Hand collection back to Python."""
        self._timer.stop()
        gc.enable()


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """Move cycle collection to ``app``'s thread for as long as ``app`` lives (once per app)."""
    collector = app.findChild(GuiThreadCollector)
    if collector is None:
        collector = GuiThreadCollector(app)
        app.aboutToQuit.connect(collector.stop)
    else:
        collector.start()
    return collector


def settle_once_started(app: QCoreApplication) -> None:
    """Have ``app``'s collector :meth:`~GuiThreadCollector.settle` once its event loop runs."""
    collector = app.findChild(GuiThreadCollector)
    if collector is not None:
        QTimer.singleShot(0, collector, collector.settle)
