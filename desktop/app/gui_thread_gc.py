"""Python's cycle collector runs on the GUI thread only.

Python collects reference cycles in whichever thread passes its allocation threshold. In this
app that is often a worker of the embedded server or a browser's request thread, and a cycle
that holds a Qt object then destroys it there: Qt takes its connection lock on that thread and
PySide waits for the interpreter lock, while the GUI thread holds that lock and waits for Qt's
(a window that hangs for good; seen as a hung test). So automatic collection is switched off
and a timer on the GUI thread collects instead, each generation when Python's own thresholds
say it is due. Plain reference counting still frees everything else at once, on any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

INTERVAL_MS = 250  # how often the counts are looked at; a collection takes well under 1 ms


class GuiThreadCollector(QObject):
    """Collects garbage on the thread it lives on (the GUI thread), never elsewhere."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
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
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return generation
        return None

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
