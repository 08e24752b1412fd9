"""The walkthrough panel: pick a scenario, press Next (or a clicker), read what just happened."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QApplication

from desktop.classroom.lab_window import LabWindow
from desktop.classroom.lesson_notes import LessonNotes
from desktop.classroom.scenario_state import LabSnapshot
from desktop.classroom.step_runner import StepRunner
from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough, text_of
from desktop.classroom.walkthrough_view import INTRO, WalkthroughView
from desktop.ui.accessibility import announce
from desktop.ui.colours import css, severity_colour


class WalkthroughPanel(WalkthroughView):
    """Runs one :class:`Walkthrough` at a time against a window, a step per Next.

    Back shows an earlier step's explanation and selection again (it does not undo HTTP);
    Next then moves forward through them before it performs the next step. The lab's store,
    switches and lifetimes are put back as they were when the scenario ends or is left.
    """

    #: A new explanation is on screen (the window may size the box to it).
    text_shown = Signal()

    def __init__(self, window: LabWindow, walkthroughs: Sequence[Walkthrough]) -> None:
        super().__init__(walkthroughs)
        self.window = window
        self.walkthroughs = {w.key: w for w in walkthroughs}
        self.current: Walkthrough | None = None
        self.run: WalkRun | None = None
        self.index = 0  # steps performed
        self.shown: list[tuple[str, Step]] = []  # each performed step's explanation
        self.viewing = -1  # which of them is on screen (-1: the newest)
        self._before: LabSnapshot | None = None
        #: What was taught, step by step, for the handout and for Back's selection.
        self.notes = LessonNotes(
            window.inspectors.traffic_model, lambda: self.current is not None, self
        )
        self.runner = StepRunner(self._lab_idle, self)
        self.runner.done.connect(self._on_step_done)
        self.runner.failed.connect(self._abort)
        self.runner.waiting.connect(self._show_countdown)

    @property
    def done(self) -> bool:
        """Whether the current walkthrough has run all its steps."""
        return self.current is not None and self.index >= len(self.current.steps)

    @property
    def busy(self) -> bool:
        """Whether a step is being performed."""
        return self.runner.active

    @Slot(str)
    def start(self, key: str) -> None:
        """Reset the lab to a clean state on the scenario's store and show its steps."""
        self.stop()
        walk = self.walkthroughs[key]
        self.choice.setCurrentIndex(self.choice.findData(key))
        self._before = LabSnapshot.of(self.window.lab)
        self.current, self.index, self.shown, self.viewing = walk, 0, [], -1
        self.notes.begin(walk)
        self.run = WalkRun(self.window)
        self.run.switch_store(walk.store)
        self.run.actions.reset_lab()
        self.show_steps([step.title for step in walk.steps])
        self.stop_button.show()
        self._show(f"<h3>{escape(walk.title)}</h3><p>{escape(walk.teaches)}</p>")
        # Started from the Scenarios menu, the focus may be in the login form: a clicker's
        # Page Down must reach Next from the first step on.
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self._set_next(False, "Starting…")
        self.runner.perform(self.run, None)

    @Slot()
    def stop(self) -> None:
        """End the scenario: stop its step, put the lab's store and switches back as they were."""
        self.runner.stop()
        before, self._before = self._before, None
        if self.current is None:
            return
        self.current = None
        self.show_steps(None)
        self.stop_button.hide()
        self.countdown.hide()
        self.back_button.setEnabled(False)
        self._set_next(False, "Next")
        if before is not None and self.window.lab is not None:
            before.restore(self.window.controls)
        self._show(INTRO)

    @Slot()
    def forward(self) -> None:
        """Next: a later explanation already performed, else the next step, else Finish."""
        if self.current is None:
            self.start(self.choice.currentData())
        elif 0 <= self.viewing < len(self.shown) - 1:
            self._view(self.viewing + 1)
        elif self.busy:
            return
        elif self.done:
            self.stop()
        else:
            self.next_step()

    @Slot()
    def back(self) -> None:
        """Back: show the previous step's explanation and selection again."""
        newest = len(self.shown) - 1
        at = newest if self.viewing < 0 else self.viewing
        if self.current is not None and at > 0:
            self._view(at - 1)

    @Slot()
    def next_step(self) -> None:
        """Perform the next step."""
        if self.current is None or self.done or self.busy:
            return
        self.steps.setCurrentRow(self.index)
        self.notes.step_started()
        self._set_next(False, "Working…")
        self.runner.perform(self.run, self.current.steps[self.index])

    def _lab_idle(self) -> bool:
        reset = getattr(self.window, "lab_reset", None)
        if reset is not None and reset.pending:
            return False
        return not any(browser.busy for browser in self.window.browsers)

    def _set_next(self, enabled: bool, text: str) -> None:
        # The focus stays on the walkthrough: a clicker's next press must land here again.
        focused = QApplication.focusWidget()
        ours = focused is self or (focused is not None and self.isAncestorOf(focused))
        self.next_button.setText(text)
        self.next_button.setEnabled(enabled)
        if ours:
            (self.next_button if enabled else self).setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def _abort(self, message: str) -> None:
        red = css(severity_colour("error"))
        self.text.append(f"<p style='color:{red}'>{escape(message)} Press Next to retry.</p>")
        announce(self.text, message)
        self._set_next(True, "Retry this step")

    @Slot(str, float)
    def _show_countdown(self, what: str, seconds: float) -> None:
        self.countdown.setText(f"⏱ {what}: {seconds:.0f} s")
        self.countdown.show()

    @Slot(object)
    def _on_step_done(self, step: Step | None) -> None:
        self.countdown.hide()
        if step is not None:
            self._finish(step)
        self._show_next_label()

    def _finish(self, step: Step) -> None:
        number, count = self.index + 1, len(self.current.steps)
        html = f"<h3>Step {number} of {count}: {escape(step.title)}</h3>"
        explanation = text_of(step.explanation, self.run)
        html += f"<p>{escape(explanation)}</p>"
        self.notes.step_done(step.title, explanation)
        self.index += 1
        if self.done:
            # Below the step's own text, which stays in view (the box is not scrolled down).
            html += f"<hr><p><b>What this shows:</b> {escape(self.current.teaches)}</p>"
        self.shown.append((html, step))
        self._view(len(self.shown) - 1)

    def _view(self, index: int) -> None:
        html, step = self.shown[index]
        self.viewing = index
        self.steps.setCurrentRow(index)
        self._show(html)
        self.window.inspectors.highlight_exchanges(self.notes.rows(index))
        if step.highlight is not None:
            step.highlight(self.run)
        self.back_button.setEnabled(index > 0)
        self._show_next_label()

    def _show(self, html: str) -> None:
        self.text.setHtml(html)
        self.text.verticalScrollBar().setValue(0)
        announce(self.text, self.text.toPlainText())
        self.text_shown.emit()

    def _show_next_label(self) -> None:
        if self.current is None:
            return
        if 0 <= self.viewing < len(self.shown) - 1:
            self._set_next(True, f"Forward to step {self.viewing + 2}")
        elif self.done:
            back_to = self._before.store if self._before else None
            changed = back_to and self.window.lab and self.window.lab.state.store_name != back_to
            self._set_next(True, f"Finish (back to the {back_to} store)" if changed else "Finish")
        else:
            self._set_next(True, f"Next: {self.current.steps[self.index].title}")
