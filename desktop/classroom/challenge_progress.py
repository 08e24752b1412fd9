"""Each student's challenge progress, kept in QSettings, and the report a teacher collects."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from datetime import datetime
from html import escape

from PySide6.QtCore import QSettings

from desktop.classroom.challenge import Challenge


class ChallengeProgress:
    """Solved challenges (when, with or without the fix), hints used, and the teacher switches."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def _get(self, key: str, name: str, default):
        return self._settings.value(f"challenges/{key}/{name}", default)

    def hints_used(self, key: str) -> int:
        """How many hints of challenge ``key`` were shown."""
        try:
            return int(self._get(key, "hints", 0))
        except (TypeError, ValueError):
            return 0

    def use_hint(self, key: str) -> None:
        """Count one more hint shown."""
        self._settings.setValue(f"challenges/{key}/hints", self.hints_used(key) + 1)

    def solved_at(self, key: str) -> str | None:
        """When challenge ``key`` was first solved (ISO time), or None."""
        return self._get(key, "solved_at", None) or None

    def record_solved(self, key: str) -> None:
        """Note that challenge ``key`` was solved now (the first time counts)."""
        if self.solved_at(key) is None:
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            self._settings.setValue(f"challenges/{key}/solved_at", stamp)
        self._settings.sync()

    def teacher_switch(self, name: str) -> bool:
        """Read a teacher switch (``hide_hints``, ``show_solutions``)."""
        return str(self._settings.value(f"challenges/teacher/{name}", "false")).lower() == "true"

    def set_teacher_switch(self, name: str, on: bool) -> None:
        """Set a teacher switch."""
        self._settings.setValue(f"challenges/teacher/{name}", "true" if on else "false")

    def report_html(self, challenges: Sequence[Challenge], student: str | None = None) -> str:
        """Return a self-contained HTML page of this student's progress, for the teacher."""
        student = student or getpass.getuser()
        rows = "".join(
            f"<tr><td>{escape(c.title)}</td><td>{'✓' if self.solved_at(c.key) else '—'}</td>"
            f"<td>{escape(self.solved_at(c.key) or '')}</td><td>{self.hints_used(c.key)}</td></tr>"
            for c in challenges
        )
        solved = sum(1 for c in challenges if self.solved_at(c.key))
        return (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Session Lab challenges – {escape(student)}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #999;"
            "padding:.3em .6em}table{border-collapse:collapse}</style></head><body>"
            f"<h1>Session Lab challenges</h1><p>Student: {escape(student)}. Solved "
            f"{solved} of {len(challenges)}. Exported "
            f"{escape(datetime.now().astimezone().isoformat(timespec='seconds'))}.</p>"
            "<table><tr><th>Challenge</th><th>Solved</th><th>When</th><th>Hints used</th></tr>"
            f"{rows}</table></body></html>\n"
        )
