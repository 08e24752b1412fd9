"""What a walkthrough taught, step by step, with the timeline rows each step added.

The handout reads it (explanations beside the hops they explain), and Back uses the rows to
select a step's arrows again. Kept after the walkthrough ends; forgotten when the timeline is
emptied outside a walkthrough (File → Reset), since its rows are gone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QObject, Slot

from desktop.classroom.walkthrough import Walkthrough
from desktop.inspectors.handout import Lesson, LessonStep


class LessonNotes(QObject):
    """Records a walkthrough's performed steps against a timeline model's rows."""

    def __init__(
        self, timeline: QAbstractItemModel, running: Callable[[], bool], parent: QObject
    ) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.running = running
        self.taught: Walkthrough | None = None
        self.steps: list[LessonStep] = []
        self._first_row = 0
        timeline.modelReset.connect(self._on_timeline_emptied)

    def begin(self, walk: Walkthrough) -> None:
        """A walkthrough starts: forget the previous one."""
        self.taught, self.steps = walk, []

    def step_started(self) -> None:
        """A step is about to act: the rows it adds start here."""
        self._first_row = self.timeline.rowCount()

    def step_done(self, title: str, explanation: str) -> None:
        """A step has acted and been explained."""
        rows = range(self._first_row, self.timeline.rowCount())
        self.steps.append(LessonStep(title, explanation, rows))

    def rows(self, index: int) -> range:
        """The timeline rows step ``index`` (from 0) added."""
        return self.steps[index].rows if 0 <= index < len(self.steps) else range(0)

    def lesson(self) -> Lesson | None:
        """The walkthrough taught last, with the steps performed (None: none since a reset)."""
        if self.taught is None:
            return None
        return Lesson(self.taught.title, self.taught.teaches, tuple(self.steps))

    @Slot()
    def _on_timeline_emptied(self) -> None:
        if not self.running():  # File → Reset, not the walkthrough's own fresh start
            self.taught, self.steps = None, []
