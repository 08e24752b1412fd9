"""Measure the largest stall of the GUI event loop while the window runs login/logout cycles.

In one process, offscreen: the real ``MainWindow`` against a real ``Lab`` (SQLite store, a
temporary data directory, 127.0.0.1). A cycle goes through the window's own widgets, found by
their object names, as a user would: type a user name and a password, click Submit, wait for
the welcome page; click Log out, wait for the goodbye page. Each wait runs a ``QEventLoop``
until the page view shows the expected text, or fails after a timeout.

The timeline shows its sequence diagram (the Diagram tab) throughout, so the stall includes
drawing it. Afterwards the timeline is grown to 5,000 hops and the diagram repainted at several
scroll positions: the time of one repaint is the second figure (target: one frame, 16 ms).

Meanwhile a 5 ms ``QTimer`` on the GUI thread notes ``time.perf_counter()`` at every tick. A tick
runs only when the event loop is free, so the longest gap between two ticks, less the 5 ms
interval, is the longest the window was frozen::

    uv run python bench/bench_gui_stall.py --cycles 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QTableView, QTextBrowser

from desktop.lab.embedded_lab import Lab
from desktop.window.main_window import MainWindow

INTERVAL_MS = 5
TARGET_STALL_MS = 50
TARGET_REPAINT_MS = 16
REPAINT_HOPS = 5000
REPAINTS = 40
PAGE_TIMEOUT_MS = 15_000
PASSWORD = "secret"


class StallMeter:
    """Notes the time of every tick of a fast timer on the GUI thread, and each cycle's start."""

    def __init__(self, interval_ms: int = INTERVAL_MS) -> None:
        self.interval = interval_ms / 1000
        self.ticks: list[float] = []
        self.cycle_starts: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        """Start ticking."""
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> None:
        """Stop ticking; the time since the last tick counts as a gap too."""
        self.timer.stop()
        self.ticks.append(time.perf_counter())

    def gaps(self, since: float = 0.0, until: float = float("inf")) -> list[float]:
        """Return the seconds between consecutive ticks, for gaps ending in [since, until)."""
        pairs = zip(self.ticks, self.ticks[1:], strict=False)
        return [end - start for start, end in pairs if since <= end < until]

    def stall(self, gaps: list[float]) -> float:
        """Return the longest of ``gaps`` less the timer's interval, in seconds."""
        return max(0.0, max(gaps, default=0.0) - self.interval)

    def cycle_at(self, moment: float) -> int:
        """Return the number of the cycle running at ``moment`` (from 1)."""
        return sum(start <= moment for start in self.cycle_starts)


def wait_for_text(view: QTextBrowser, text: str, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Run the event loop until ``view`` shows ``text``; raise TimeoutError after ``timeout_ms``."""
    if text in view.toPlainText():
        return
    loop = QEventLoop()
    deadline = QTimer(singleShot=True, interval=timeout_ms)
    deadline.timeout.connect(loop.quit)

    def check() -> None:
        if text in view.toPlainText():
            loop.quit()

    view.textChanged.connect(check)
    deadline.start()
    try:
        loop.exec()
    finally:
        deadline.stop()
        view.textChanged.disconnect(check)
    if text not in view.toPlainText():
        shown = view.toPlainText()[:200]
        raise TimeoutError(f"the page never showed {text!r}; it shows {shown!r}")


def run_cycles(window: MainWindow, meter: StallMeter, cycles: int) -> None:
    """Log in and out ``cycles`` times through the window's widgets."""
    userid_edit = window.findChild(QLineEdit, "userid_edit")
    passwd_edit = window.findChild(QLineEdit, "passwd_edit")
    login_button = window.findChild(QPushButton, "login_button")
    logout_button = window.findChild(QPushButton, "logout_button")
    page_view = window.findChild(QTextBrowser, "page_view")
    for cycle in range(1, cycles + 1):
        userid = f"user{cycle}"  # a new name each time: an old page cannot pass for a new one
        meter.cycle_starts.append(time.perf_counter())
        userid_edit.setText(userid)
        passwd_edit.setText(PASSWORD)
        login_button.click()
        wait_for_text(page_view, f"Welcome USER: {userid} !")
        logout_button.click()
        wait_for_text(page_view, f"Successfully {userid} Logged out !")


def measure_repaints(window: MainWindow, hops: int = REPAINT_HOPS) -> tuple[list[float], str]:
    """Grow the timeline to ``hops`` (copies of its rows); time diagram repaints (seconds).

    Returns the times and the size of the area painted.
    """
    model = window.inspectors.traffic_model
    entries = model.entries()
    model.extend([entries[n % len(entries)] for n in range(hops - len(entries))])
    diagram = window.inspectors.sequence_diagram
    # The diagram gets the whole right column of a full-HD window, as a teacher would make it.
    window.resize(1920, 1080)
    QApplication.processEvents()
    window.inspectors.setSizes([0, 0, 900])
    window.inspectors.timeline_views.parentWidget().setSizes([900, 0])
    bar = diagram.verticalScrollBar()
    QApplication.processEvents()
    times = []
    for step in range(REPAINTS):
        bar.setValue(bar.maximum() * step // (REPAINTS - 1))
        began = time.perf_counter()
        diagram.viewport().repaint()
        times.append(time.perf_counter() - began)
    size = diagram.viewport().size()
    return times, f"{size.width()}×{size.height()}"


def report_repaints(times: list[float], hops: int, size: str) -> bool:
    """Print the repaint figures; return whether the slowest is within one frame."""
    worst = max(times)
    print(f"Sequence diagram with {hops} hops, {len(times)} repaints across its length ({size})")
    print(f"  {'repaint median':<35}{_ms(statistics.median(times))}")
    print(f"  {'repaint slowest':<35}{_ms(worst)}")
    meets = worst * 1000 <= TARGET_REPAINT_MS
    print(f"repaint within {TARGET_REPAINT_MS} ms: {'meets' if meets else 'MISSES'} the target")
    return meets


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(meter: StallMeter, cycles: int, seconds: float, exchanges: int) -> bool:
    """Print the figures; return whether the largest stall is within the target."""
    gaps = meter.gaps()
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    stall = meter.stall(gaps)
    centiles = statistics.quantiles(gaps, n=100, method="inclusive")
    over = sum(gap - meter.interval > TARGET_STALL_MS / 1000 for gap in gaps)
    # The largest stall in each tenth of the run: does the window slow down as history grows?
    bounds = [*meter.cycle_starts, float("inf")]
    tenths = [
        meter.stall(meter.gaps(bounds[cycles * k // 10], bounds[cycles * (k + 1) // 10]))
        for k in range(10)
        if cycles * k // 10 < cycles * (k + 1) // 10
    ]

    first_cycle = meter.cycle_at(meter.ticks[worst])
    rows = [
        ("total time", f"{seconds:.2f} s ({seconds / cycles * 1000:.0f} ms per cycle)"),
        ("HTTP timeline rows", f"{exchanges}"),
        ("ticks", f"{len(gaps) - 1} (a free loop: about {seconds / meter.interval:.0f})"),
        ("tick gap p50", _ms(centiles[49])),
        ("tick gap p99", _ms(centiles[98])),
        ("largest gap", f"{_ms(gaps[worst])} (begun in cycle {first_cycle})"),
        ("largest stall", f"{_ms(stall)} (largest gap less the {INTERVAL_MS} ms interval)"),
        (f"stalls over {TARGET_STALL_MS} ms", f"{over}"),
        ("largest stall by tenth of the run", ", ".join(f"{s * 1000:.0f}" for s in tenths) + " ms"),
    ]
    print(f"GUI event loop during {cycles} login/logout cycles ({INTERVAL_MS} ms ticker)")
    for label, value in rows:
        print(f"  {label:<35}{value}")
    meets = stall * 1000 <= TARGET_STALL_MS
    print(f"no stall over {TARGET_STALL_MS} ms: {'meets' if meets else 'MISSES'} the target")
    return meets


def main(argv: list[str] | None = None) -> int:
    """Start the lab and the window, run the cycles under the meter, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=50, help="login/logout cycles (default 50)")
    args = parser.parse_args(argv)
    if args.cycles < 1:
        parser.error("--cycles must be at least 1")

    with tempfile.TemporaryDirectory(prefix="session-lab-stall-") as tmp:
        # Read when QApplication and QSettings start: no screen, and not the user's settings.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        app = QApplication.instance() or QApplication([sys.argv[0]])
        lab = Lab(store="sqlite", data_dir=Path(tmp) / "data")
        lab.start()
        try:
            window = MainWindow(lab)
            window.inspectors.timeline_views.show_diagram()  # drawn during every cycle
            window.show()
            wait_for_text(window.findChild(QTextBrowser, "page_view"), "Type Anything for User")
            meter = StallMeter()
            meter.start()
            began = time.perf_counter()
            run_cycles(window, meter, args.cycles)
            seconds = time.perf_counter() - began
            meter.stop()
            exchanges = window.findChild(QTableView, "traffic_table").model().rowCount()
            repaints, size = measure_repaints(window)
            window.close()  # stops the browser's worker and the server
            stopped = not lab.server.running
        finally:
            lab.close()  # in case the window failed; closing twice is harmless
        print(f"server stopped with the window: {'yes' if stopped else 'NO'}")
        app.processEvents()  # let deleteLater() run before the temporary directory goes
    report(meter, args.cycles, seconds, exchanges)
    report_repaints(repaints, REPAINT_HOPS, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
