"""The challenge panel: a goal, hints one at a time, and the lab's verdict on what happened."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.classroom.challenge import Challenge, Verdict
from desktop.classroom.challenge_progress import ChallengeProgress
from desktop.classroom.challenge_watcher import ChallengeWatcher
from desktop.classroom.forge_tools import ForgeTools
from desktop.classroom.lab_window import LabWindow
from desktop.classroom.scenario_state import LabSnapshot
from desktop.lab.lab_switches import FIXES
from desktop.ui.widget_names import name_widget
from server.paths import LOGIN_PATH

STATUS_STYLES = {
    None: "",
    "shortcut": "background: palette(base); border: 2px solid #b26a00; padding: 4px;",
    "solved": "background: #1b5e20; color: white; padding: 4px;",
}


class ChallengePanel(QWidget):
    """Runs one challenge at a time against a window; the lab, not a button, decides."""

    def __init__(
        self, window: LabWindow, challenges: Sequence[Challenge], progress: ChallengeProgress
    ) -> None:
        super().__init__()
        name_widget(self, "challenge_panel", "Challenges")
        self.window, self.progress = window, progress
        self.challenges = {c.key: c for c in challenges}
        self.current: Challenge | None = None
        self.fixed = False
        self.verdict: Verdict | None = None
        self.shown_hints = 0
        self._snapshot: LabSnapshot | None = None
        self.watcher = ChallengeWatcher(window, self)
        self.watcher.changed.connect(self._judge)

        self.choice = name_widget(QComboBox(), "challenge_choice", "Challenge")
        # Long titles must not widen the dock past a projector's screen: they elide instead.
        self.choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.choice.setMinimumContentsLength(12)
        for number, challenge in enumerate(challenges, 1):
            self.choice.addItem(f"{number}. {challenge.title}", challenge.key)
        start = name_widget(QPushButton("&Start"), "challenge_start", "Start the challenge")
        start.clicked.connect(lambda: self.start(self.choice.currentData()))
        self.goal = name_widget(QTextBrowser(), "challenge_goal", "Goal, hints and verdict")
        self.goal.setMinimumHeight(120)
        self.hint_button = name_widget(QPushButton(), "challenge_hint", "Show a hint")
        self.hint_button.clicked.connect(self.show_hint)
        self.reset_button = name_widget(
            QPushButton("Reset this challenge"), "challenge_reset", "Reset this challenge"
        )
        self.reset_button.clicked.connect(lambda: self.start(self.current.key, self.fixed))
        self.fix_button = name_widget(
            QPushButton("Try again with the fix on"), "challenge_fix", "Try again with the fix on"
        )
        self.fix_button.clicked.connect(lambda: self.start(self.current.key, fixed=True))
        self.status = name_widget(QLabel(), "challenge_status", "Verdict")
        self.status.setWordWrap(True)
        self.tools = ForgeTools(window)
        self.progress_list = name_widget(QListWidget(), "challenge_progress", "My progress")
        self.progress_list.setMaximumHeight(120)

        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(start)
        buttons = QVBoxLayout()  # one above the other: side by side they are too wide at zoom
        for button in (self.hint_button, self.reset_button, self.fix_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.goal, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(self.tools)
        layout.addWidget(self.progress_list)
        self._show()

    def start(self, key: str, fixed: bool = False) -> None:
        """Set the lab up for challenge ``key`` (with its fix on when ``fixed``) and watch."""
        if self._snapshot is None and self.window.lab is not None:
            self._snapshot = LabSnapshot.of(self.window.lab)
        self.current, self.fixed = self.challenges[key], fixed
        self.verdict, self.shown_hints = None, 0
        self.choice.setCurrentIndex(self.choice.findData(key))
        for browser in self.window.browsers:  # what the last set-up still sends is not this one's
            browser.controller.cancel()
        self.watcher.start()
        self.current.setup(self.window)
        if fixed and self.current.fix is not None:
            self.current.fix.apply(self.window)
            for browser in self.window.browsers:  # forms on screen came from the unfixed lab
                browser.controller.open(LOGIN_PATH)
        self._show()

    def leave(self) -> None:
        """Stop the challenge and put the teacher's store, switches and lifetimes back."""
        self.watcher.stop()
        self.current = None
        if self._snapshot is not None and self.window.lab is not None:
            self._snapshot.restore(self.window.controls)
            for name in FIXES:
                self.window.lab.set_fix(name, False)
        self._snapshot = None
        self._show()

    @Slot()
    def show_hint(self) -> None:
        """Reveal the next hint, and count it."""
        if self.current is None or self.shown_hints >= len(self.current.hints):
            return
        self.shown_hints += 1
        self.progress.use_hint(self.current.key)
        self._show()

    @Slot()
    def _judge(self) -> None:
        if self.current is None or (self.verdict is not None and self.verdict.kind == "solved"):
            return
        verdict = self.current.check(self.watcher.log)
        if verdict is None or verdict == self.verdict:
            return
        self.verdict = verdict
        if verdict.kind == "solved":
            self.progress.record_solved(self.current.key)
            # The hop that carried the attack out: its arrow in the diagram, its row selected.
            rows = self.window.inspectors.traffic_model.rowCount()
            self.window.inspectors.highlight_exchanges(range(rows - 1, rows))
        self._show()

    def _show(self) -> None:
        challenge = self.current
        hide_hints = self.progress.teacher_switch("hide_hints")
        self.hint_button.setEnabled(challenge is not None and not hide_hints)
        self.reset_button.setEnabled(challenge is not None)
        self.fix_button.setEnabled(challenge is not None and challenge.fix is not None)
        self.tools.setVisible(challenge is not None and challenge.key == "forge")
        total = len(challenge.hints) if challenge else 0
        self.hint_button.setText(f"Show a &hint ({self.shown_hints} of {total} shown)")
        self.goal.setHtml(self._goal_html(challenge, hide_hints))
        self._show_verdict()
        self.progress_list.clear()
        for c in self.challenges.values():
            mark = "✓" if self.progress.solved_at(c.key) else "·"
            self.progress_list.addItem(
                f"{mark} {c.title} (hints: {self.progress.hints_used(c.key)})"
            )

    def _goal_html(self, challenge: Challenge | None, hide_hints: bool) -> str:
        if challenge is None:
            return (
                "<p><i>Pick a challenge and press Start. The lab watches what happens and "
                "tells you when the attack worked.</i></p>"
            )
        parts = [f"<h3>{escape(challenge.title)}</h3><p>{escape(challenge.goal)}</p>"]
        if self.fixed and challenge.fix is not None:
            parts.append(f"<p><b>Fix on:</b> {escape(challenge.fix.label)}. Can you still?</p>")
        if not hide_hints:
            for number, hint in enumerate(challenge.hints[: self.shown_hints], 1):
                parts.append(f"<p><b>Hint {number}:</b> {escape(hint)}</p>")
        if self.progress.teacher_switch("show_solutions"):
            parts.append(f"<p><b>Solution:</b> {escape(challenge.solution)}</p>")
        return "".join(parts)

    def _show_verdict(self) -> None:
        verdict, challenge = self.verdict, self.current
        kind = verdict.kind if verdict else None
        self.status.setStyleSheet(STATUS_STYLES[kind])
        if challenge is None:
            self.status.setText("")
        elif kind == "solved":
            self.status.setText(
                f"Solved! {challenge.explanation} {verdict.message} "
                f"Mitigation: {challenge.mitigation}".replace("  ", " ")
            )
        elif kind == "shortcut":
            self.status.setText(verdict.message)
        else:
            self.status.setText("Not solved yet: the lab is watching.")
        self.status.setAccessibleDescription(self.status.text())
