"""Presenter mode: larger or smaller fonts for the whole app (Ctrl+plus, Ctrl+minus, Ctrl+0)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

MIN_POINTS = 6
MAX_POINTS = 48


class FontZoom(QObject):
    """Owns the three zoom actions and applies the size to the application font."""

    size_changed = Signal(int)  # points; 0 means the system's size

    #: The application font's size before any zoom; read once, since zooming changes it.
    _system_points: int = 0

    def __init__(self, points: int = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if not FontZoom._system_points:
            FontZoom._system_points = (
                QApplication.font().pointSize() if QApplication.font().pointSize() > 0 else 10
            )
        self.points = 0
        self.larger = QAction("&Larger text", self, shortcut=QKeySequence.StandardKey.ZoomIn)
        self.smaller = QAction("&Smaller text", self, shortcut=QKeySequence.StandardKey.ZoomOut)
        self.reset = QAction("&Normal text size", self, shortcut=QKeySequence("Ctrl+0"))
        self.larger.triggered.connect(lambda: self.set_points(self.current + 2))
        self.smaller.triggered.connect(lambda: self.set_points(self.current - 2))
        self.reset.triggered.connect(lambda: self.set_points(0))
        if points:
            self.set_points(points)

    @property
    def current(self) -> int:
        """The size in effect, in points."""
        return self.points or self._system_points

    def actions(self) -> list[QAction]:
        """Return the actions, for a menu."""
        return [self.larger, self.smaller, self.reset]

    def set_points(self, points: int) -> None:
        """Apply a size (0: back to the system's size)."""
        points = (
            0 if points in (0, self._system_points) else max(MIN_POINTS, min(MAX_POINTS, points))
        )
        font = QApplication.font()
        font.setPointSize(points or self._system_points)
        QApplication.setFont(font)
        if points != self.points:
            self.points = points
            self.size_changed.emit(points)
