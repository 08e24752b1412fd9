"""Performs one walkthrough step: its actions in turn, each once the lab is idle, then its wait."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.classroom.walkthrough import Step, WalkRun, actions_of

POLL_MS = 100
MAX_WAIT_SECONDS = 180  # the longest step waits out a 60 s session lifetime

log = logging.getLogger(__name__)


class StepRunner(QObject):
    """Runs a step's actions and waits until the lab is idle and the step says it is done.

    ``done`` reports the step (None for the wait that follows a scenario's start), ``failed``
    a sentence, ``waiting`` what a timed step waits for and the seconds left (a countdown).
    GUI thread only; the lab's idleness is asked of ``lab_idle``.
    """

    done = Signal(object)  # Step | None
    failed = Signal(str)
    waiting = Signal(str, float)

    def __init__(self, lab_idle: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lab_idle = lab_idle
        self.run: WalkRun | None = None
        self.step: Step | None = None
        self._pending: list = []
        self._waiting_since = self._last_repeat = 0.0
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._check_done)

    @property
    def active(self) -> bool:
        """Whether a step (or the start's wait) is still running."""
        return self._timer.isActive()

    def perform(self, run: WalkRun, step: Step | None) -> None:
        """Start ``step`` (None: only wait until the lab is idle)."""
        self.run, self.step = run, step
        self._pending = actions_of(step) if step is not None else []
        self._waiting_since = self._last_repeat = time.monotonic()
        self._timer.start()
        if self._pending:
            self._run(self._pending.pop(0))

    def stop(self) -> None:
        """Forget the step: nothing more runs and nothing is reported."""
        self._timer.stop()
        self._pending = []
        self.step = None

    def _run(self, action) -> bool:
        """Run one action; an error stops the step with a message instead of escaping Qt."""
        try:
            action(self.run)
        except Exception as error:  # a broken step must not break the window
            log.exception("a walkthrough step failed")
            self.stop()
            self.failed.emit(f"This step could not be performed: {error}")
            return False
        return True

    @Slot()
    def _check_done(self) -> None:
        step, now = self.step, time.monotonic()
        if step is not None and step.countdown is not None and self.run is not None:
            shown = step.countdown(self.run)
            if shown is not None:
                self.waiting.emit(shown[0], max(0.0, shown[1]))
        if (
            step is not None
            and step.repeat_seconds
            and self.lab_idle()
            and now - self._last_repeat >= step.repeat_seconds
        ):
            self._last_repeat = now
            for action in actions_of(step):
                if not self._run(action):
                    return
            return
        if now - self._waiting_since > MAX_WAIT_SECONDS:
            self.stop()
            self.failed.emit("This step did not finish in time; is the server running?")
            return
        if not self.lab_idle():
            return
        if self._pending:  # the next part of a multi-part step, now that the last one is done
            self._run(self._pending.pop(0))
            return
        if step is not None and step.done_when is not None and not step.done_when(self.run):
            return
        self._timer.stop()
        self.done.emit(step)
