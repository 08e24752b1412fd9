"""The walkthrough panel: pick a scenario, press Next, read what just happened."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.classroom.lab_window import LabWindow
from desktop.classroom.walkthrough import WalkRun, Walkthrough, actions_of, text_of
from desktop.ui.widget_names import name_widget

POLL_MS = 100
MAX_WAIT_SECONDS = 180  # the longest step waits out a 60 s session lifetime

log = logging.getLogger(__name__)


class WalkthroughPanel(QWidget):
    """Runs one :class:`Walkthrough` at a time against a window, a step per Next."""

    def __init__(self, window: LabWindow, walkthroughs: Sequence[Walkthrough]) -> None:
        super().__init__()
        name_widget(self, "walkthrough_panel", "Guided walkthrough")
        self.window = window
        self.walkthroughs = {w.key: w for w in walkthroughs}
        self.current: Walkthrough | None = None
        self.run: WalkRun | None = None
        self.index = 0
        self._waiting_since = 0.0
        self._last_repeat = 0.0

        self.choice = name_widget(QComboBox(), "walkthrough_choice", "Scenario")
        for number, walk in enumerate(walkthroughs):
            self.choice.addItem(f"{number}. {walk.title}", walk.key)
        self.start_button = name_widget(QPushButton("Start"), "walkthrough_start", "Start")
        self.start_button.clicked.connect(lambda: self.start(self.choice.currentData()))
        self.steps = name_widget(QListWidget(), "walkthrough_steps", "Walkthrough steps")
        self.steps.setMaximumHeight(100)
        self.steps.hide()  # until a walkthrough starts: the page needs the room
        self.text = name_widget(QTextBrowser(), "walkthrough_text", "What just happened")
        self.next_button = name_widget(QPushButton("Next"), "walkthrough_next", "Next step")
        self.next_button.setEnabled(False)
        self.next_button.clicked.connect(self.next_step)
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._check_done)

        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.steps)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.next_button)
        self.text.setHtml(
            "<p><i>Pick a scenario and press Start: each Next performs one step and says what "
            "changed in the cookie jar, the session store and the timeline.</i></p>"
        )

    @property
    def done(self) -> bool:
        """Whether the current walkthrough has run all its steps."""
        return self.current is not None and self.index >= len(self.current.steps)

    @Slot(str)
    def start(self, key: str) -> None:
        """Reset the lab to a clean state and show the walkthrough's steps."""
        walk = self.walkthroughs[key]
        self.choice.setCurrentIndex(self.choice.findData(key))
        self.current, self.index = walk, 0
        self.run = WalkRun(self.window)
        if self.window.lab.state.store_name != walk.store:
            self.window.controls.switch_store(walk.store)
        self.run.actions.reset_lab()
        self.steps.clear()
        self.steps.show()
        for number, step in enumerate(walk.steps, start=1):
            self.steps.addItem(f"{number}. {step.title}")
        self.text.setHtml(f"<h3>{escape(walk.title)}</h3><p>{escape(walk.teaches)}</p>")
        self._wait_for(None)

    @Slot()
    def next_step(self) -> None:
        """Perform the next step."""
        if self.current is None or self.done:
            return
        step = self.current.steps[self.index]
        self.steps.setCurrentRow(self.index)
        self._wait_for(step)
        self._run(self._pending.pop(0))

    def _run(self, action) -> bool:
        """Run one action; an error stops the step with a message instead of escaping Qt."""
        try:
            action(self.run)
        except Exception as error:  # a broken step must not break the window
            log.exception("a walkthrough step failed")
            self._abort(f"This step could not be performed: {error}")
            return False
        return True

    def _abort(self, message: str) -> None:
        self._timer.stop()
        self._pending = []
        self.text.append(f"<p style='color:#b00020'>{escape(message)} Press Next to retry.</p>")
        self.next_button.setEnabled(True)

    def _wait_for(self, step) -> None:
        self.next_button.setEnabled(False)
        self._step = step
        self._pending = actions_of(step) if step is not None else []
        self._waiting_since = self._last_repeat = time.monotonic()
        self._timer.start()

    def _lab_idle(self) -> bool:
        return not any(browser.busy for browser in self.window.browsers)

    @Slot()
    def _check_done(self) -> None:
        step = self._step
        if (
            step is not None
            and step.repeat_seconds
            and self._lab_idle()
            and time.monotonic() - self._last_repeat >= step.repeat_seconds
        ):
            self._last_repeat = time.monotonic()
            for action in actions_of(step):
                if not self._run(action):
                    return
            return
        if time.monotonic() - self._waiting_since > MAX_WAIT_SECONDS:
            self._abort("This step did not finish in time; is the server running?")
            return
        if not self._lab_idle():
            return
        if self._pending:  # the next part of a multi-part step, now that the last one is done
            self._run(self._pending.pop(0))
            return
        if step is not None and step.done_when is not None and not step.done_when(self.run):
            return
        self._timer.stop()
        if step is None:  # the start: the lab is clean and idle
            self._show_next_label()
            return
        self._finish(step)

    def _finish(self, step) -> None:
        number = self.index + 1
        explanation = text_of(step.explanation, self.run)
        self.text.setHtml(
            f"<h3>Step {number}: {escape(step.title)}</h3><p>{escape(explanation)}</p>"
        )
        if step.highlight is not None:
            step.highlight(self.run)
        self.index += 1
        if self.done:
            self.text.append(f"<hr><p><b>What this shows:</b> {escape(self.current.teaches)}</p>")
            self.next_button.setText("Done")
            self.next_button.setEnabled(False)
            return
        self._show_next_label()

    def _show_next_label(self) -> None:
        following = self.current.steps[self.index]
        self.next_button.setText(f"Next: {following.title}")
        self.next_button.setEnabled(True)
