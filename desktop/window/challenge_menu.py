"""The Challenges menu, and the dock that holds the challenge panel (built on first use)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFrame, QMenu, QScrollArea

from desktop.classroom.challenge_panel import ChallengePanel
from desktop.classroom.challenge_progress import ChallengeProgress
from desktop.classroom.challenges import CHALLENGES
from desktop.ui.mnemonics import with_mnemonic
from desktop.ui.widget_names import name_widget


class ChallengeMenu:
    """Puts Challenges in the window's menu bar, before Help; opens the panel in a dock."""

    def __init__(self, window) -> None:
        self.window = window
        self.progress = ChallengeProgress(window.settings.qsettings)
        self._dock: QDockWidget | None = None
        bar = window.menuBar()
        self.menu = QMenu("Challen&ges", bar)
        self.menu.setObjectName("challenges_menu")
        help_action = next((a for a in bar.actions() if a.text() == "&Help"), None)
        bar.insertMenu(help_action, self.menu) if help_action else bar.addMenu(self.menu)
        self._add("&Open the challenges", "challenges_open_action", self.show_panel)
        self.menu.addSeparator()
        taken = {"o", "x", "l", "h", "s"}
        for number, challenge in enumerate(CHALLENGES, 1):
            self._add(
                with_mnemonic(f"{number}. {challenge.title}", taken),
                f"challenge_{challenge.key}_action",
                lambda _=False, key=challenge.key: self.panel.start(key),
            )
        self.menu.addSeparator()
        self._add("E&xport my progress…", "challenges_export_action", self.ask_export)
        self._add("&Leave the challenge", "challenges_leave_action", lambda: self.panel.leave())
        self.menu.addSeparator()
        for text, name in (
            ("Teacher: &hide hints", "hide_hints"),
            ("Teacher: &show solutions", "show_solutions"),
        ):
            action = self._add(text, f"challenges_{name}_action", None, checkable=True)
            action.setChecked(self.progress.teacher_switch(name))
            action.toggled.connect(lambda on, n=name: self._set_teacher_switch(n, on))

    def _add(self, text: str, name: str, slot, checkable: bool = False) -> QAction:
        action = QAction(text, self.menu, checkable=checkable)
        action.setObjectName(name)
        if slot is not None:
            action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    @property
    def panel(self) -> ChallengePanel:
        """The challenge panel, in its dock (shown)."""
        if self._dock is None:
            self._panel = ChallengePanel(self.window, CHALLENGES, self.progress)
            dock = name_widget(
                QDockWidget("Challenges", self.window), "challenge_dock", "Challenges"
            )
            # Scrolls rather than growing the window past a projector's 768 lines at zoom.
            scroll = QScrollArea(widgetResizable=True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(self._panel)
            dock.setWidget(scroll)
            self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            # A third of a 1366-pixel projector at most: the inspectors keep the room they need.
            self.window.resizeDocks(
                [dock], [min(420, self.window.width() // 3)], Qt.Orientation.Horizontal
            )
            self._dock = dock
        self._dock.show()
        return self._panel

    def leave(self) -> None:
        """Leave the running challenge, if the panel was ever opened (a Reset of the lab)."""
        if self._dock is not None:
            self._panel.leave()

    def show_panel(self) -> None:
        """Show the challenge panel."""
        self.panel.choice.setFocus()

    def _set_teacher_switch(self, name: str, on: bool) -> None:
        self.progress.set_teacher_switch(name, on)
        if self._dock is not None:
            self.panel._show()

    def export_progress(self, path: Path) -> Path:
        """Write this student's progress as a self-contained HTML report."""
        path = Path(path)
        path.write_text(self.progress.report_html(CHALLENGES), encoding="utf-8")
        return path

    def ask_export(self) -> None:
        """Ask where to save the progress report (the Documents folder first), then save it."""
        from PySide6.QtWidgets import QFileDialog

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Export my progress",
            str(Path(folder) / "session-lab-progress.html"),
            "HTML files (*.html)",
        )
        if path:  # the report holds no secrets to hide
            self.window.menus.exports.save(
                lambda where, hide_secrets: self.export_progress(where),
                Path(path),
                False,
                "your progress",
            )
