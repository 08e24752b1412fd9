"""Measure the largest stall of the GUI event loop while the window runs login/logout cycles.

In one process, offscreen: the real :class:`~desktop.main_window.MainWindow` against a real
:class:`~desktop.lab.Lab` (SQLite store, temporary data directory, 127.0.0.1). A cycle goes
through the window's own widgets, as a user would: type a user name and a password, click
Submit, wait for the welcome page; click Log out, wait for the goodbye page. Waiting spins the
Qt event loop until the page view shows the expected text (bounded by a timeout).

Meanwhile a 5 ms ``QTimer`` on the GUI thread notes ``time.perf_counter()`` at every tick. A tick
can only run when the event loop is free, so the longest gap between two ticks, less the 5 ms
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
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QTextBrowser

from desktop.lab import Lab
from desktop.main_window import MainWindow

INTERVAL_MS = 5
TARGET_STALL_MS = 50
PAGE_TIMEOUT = 15.0
PASSWORD = "secret"


@dataclass
class StallMeter:
    """Notes the time of every tick of a fast timer on the GUI thread, and what was going on."""

    interval_ms: int = INTERVAL_MS
    ticks: list[float] = field(default_factory=list)
    phases: list[tuple[float, str]] = field(default_factory=list)  # (since, label)

    def __post_init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(self.interval_ms)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        """Start ticking."""
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> None:
        """Stop ticking; the time since the last tick counts as a gap too."""
        self.timer.stop()
        self.ticks.append(time.perf_counter())

    def phase(self, label: str) -> None:
        """Say what the driver is about to do, to tell later where the largest gap fell."""
        self.phases.append((time.perf_counter(), label))

    def gaps(self) -> list[float]:
        """Return the seconds between consecutive ticks."""
        return [b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)]

    def phase_at(self, moment: float) -> str:
        """Return the label of the phase running at ``moment``."""
        return next((label for since, label in reversed(self.phases) if since <= moment), "")


def wait_for_text(view: QTextBrowser, text: str, timeout: float = PAGE_TIMEOUT) -> None:
    """Spin the event loop until ``view`` shows ``text``; raise TimeoutError after ``timeout``.

    Each pass blocks until an event arrives; the meter's timer brings one every 5 ms, so the
    loop never sleeps past its deadline.
    """
    deadline = time.perf_counter() + timeout
    while text not in view.toPlainText():
        if time.perf_counter() > deadline:
            shown = view.toPlainText()[:200]
            raise TimeoutError(f"the page never showed {text!r}; it shows {shown!r}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def run_cycles(window: MainWindow, meter: StallMeter, cycles: int) -> None:
    """Log in and out ``cycles`` times through the window's widgets."""
    userid_edit = window.findChild(QLineEdit, "userid_edit")
    passwd_edit = window.findChild(QLineEdit, "passwd_edit")
    login_button = window.findChild(QPushButton, "login_button")
    logout_button = window.findChild(QPushButton, "logout_button")
    page_view = window.findChild(QTextBrowser, "page_view")
    for cycle in range(1, cycles + 1):
        userid = f"user{cycle}"  # a new name each time: an old page cannot pass for a new one
        meter.phase(f"cycle {cycle}, login")
        userid_edit.setText(userid)
        passwd_edit.setText(PASSWORD)
        login_button.click()
        wait_for_text(page_view, f"Welcome USER: {userid} !")
        meter.phase(f"cycle {cycle}, logout")
        logout_button.click()
        wait_for_text(page_view, f"Successfully {userid} Logged out !")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(meter: StallMeter, cycles: int, seconds: float, exchanges: int) -> bool:
    """Print the figures; return whether the largest stall is within the target."""
    ticks, gaps = meter.ticks, meter.gaps()
    interval = meter.interval_ms / 1000
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    stall = max(0.0, gaps[worst] - interval)
    centiles = statistics.quantiles(gaps, n=100, method="inclusive")
    over = sum(gap - interval > TARGET_STALL_MS / 1000 for gap in gaps)
    # The largest stall of each tenth of the run: does the window slow down as history grows?
    tenths = []
    for part in range(10):
        first, last = cycles * part // 10 + 1, cycles * (part + 1) // 10
        spans = [since for since, label in meter.phases if label == f"cycle {first}, login"]
        ends = [since for since, label in meter.phases if label == f"cycle {last + 1}, login"]
        if first > last or not spans:
            continue
        end = ends[0] if ends else ticks[-1]
        inside = [b - a for a, b in zip(ticks, ticks[1:], strict=False) if spans[0] < b <= end]
        tenths.append(f"{max(0.0, max(inside, default=0.0) - interval) * 1000:.0f}")

    print(f"GUI event loop during {cycles} login/logout cycles ({meter.interval_ms} ms ticker)")
    print(f"  total time         {seconds:.2f} s ({seconds / cycles * 1000:.0f} ms per cycle)")
    print(f"  exchanges shown    {exchanges} in the HTTP timeline")
    print(
        f"  ticks              {len(ticks) - 2} (a free loop would tick {seconds / interval:.0f})"
    )
    print(f"  tick gap p50       {_ms(centiles[49])}")
    print(f"  tick gap p99       {_ms(centiles[98])}")
    print(f"  largest gap        {_ms(gaps[worst])} (during {meter.phase_at(ticks[worst])})")
    print(f"  largest stall      {_ms(stall)} (largest gap less the {meter.interval_ms} ms tick)")
    print(f"  stalls over {TARGET_STALL_MS} ms  {over}")
    print(f"  largest stall by tenth of the run, ms: {', '.join(tenths)}")
    meets = stall * 1000 <= TARGET_STALL_MS
    verdict = "meets" if meets else "MISSES"
    print(f"no stall over {TARGET_STALL_MS} ms: {verdict} the target")
    return meets


def main(argv: list[str] | None = None) -> int:
    """Start the lab and the window, run the cycles under the meter, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=50, help="login/logout cycles (default 50)")
    args = parser.parse_args(argv)
    if args.cycles < 1:
        parser.error("--cycles must be at least 1")

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when QApplication starts
    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory(prefix="session-lab-stall-") as data_dir:
        lab = Lab(store="sqlite", data_dir=Path(data_dir))
        lab.start()
        window = MainWindow(lab)
        try:
            window.show()
            wait_for_text(window.findChild(QTextBrowser, "page_view"), "Type Anything for User")
            meter = StallMeter()
            meter.start()
            began = time.perf_counter()
            run_cycles(window, meter, args.cycles)
            seconds = time.perf_counter() - began
            meter.stop()
        finally:
            window.close()  # stops the browser's worker and the server
            lab.close()  # already done by the window unless it failed before showing
        exchanges = window.inspectors.traffic_model.rowCount()
        print(f"server stopped: {'yes' if not lab.server.running else 'NO'}")
    report(meter, args.cycles, seconds, exchanges)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
