"""The class view: the session store as a projector reads it, with the address to join.

A window of its own (the teacher drags it to the projector, or makes it full screen): the URL
students open, the counts, and a large table of who is logged in from which browser, with the
sessions two browsers use at once in white on red. It only shows what it is given.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Slot
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.inspectors.class_rows import ClassCounts, ClassRow
from desktop.inspectors.models.class_table_model import ClassTableModel
from desktop.ui.widget_names import name_widget

SCALE = 1.6  # the table's text against the window's: legible from the back of the room
#: The columns are fitted at most once per this many ms while students join. Qt's own
#: "resize to contents" measured every row again for each cell that changed, which held the
#: window up for tens of milliseconds at a time while a class of forty joined.
FIT_DELAY_MS = 250
#: When the table is too narrow for every column, the share of its width "User", "Held by"
#: and "Session" may take (their text is elided; the tooltip has all of it), so the Alert
#: column that flags a hijack stays in sight, even beside a student's 150-character name.
SQUEEZED_SHARE = {0: 0.25, 1: 0.3, 2: 0.15}
ALERT_START = "⚠ HIJACK? 2 browsers at once"
NOT_SHARED = "Not shared: Server → Share on the local network lets students join."


def _scaled(widget: QWidget, factor: float, bold: bool = False) -> None:
    # From the application's font each time, so presenter zoom (View → Larger text) counts.
    font = QFont(QApplication.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() * factor))
    font.setBold(bold)
    widget.setFont(font)


class ClassView(QWidget):
    """Large table of the class's sessions, the counts and the address to join."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        name_widget(self, "class_view", "Class view")
        self.setWindowTitle("Session Lab — Class view")
        self.address = name_widget(QLabel(NOT_SHARED), "class_view_address", "Address to join")
        self.address.setTextFormat(Qt.TextFormat.PlainText)
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address.setWordWrap(True)
        self.counts = name_widget(QLabel(), "class_view_counts", "Class counts")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.model = ClassTableModel(self)
        self.table = name_widget(QTableView(), "class_table", "Who is logged in")
        self.table.setModel(self.model)
        self.table.setAccessibleDescription(
            "One row per logged-in session; sessions two browsers use at once come first"
        )
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._fit = QTimer(self, singleShot=True, interval=FIT_DELAY_MS)
        self._fit.timeout.connect(self.fit_columns)
        self.full_screen = name_widget(
            QPushButton("Full screen"), "class_view_full_screen", "Full screen"
        )
        self.full_screen.setCheckable(True)
        self.full_screen.toggled.connect(self._set_full_screen)
        QShortcut(QKeySequence("F11"), self, self.full_screen.toggle)
        QShortcut(QKeySequence("Escape"), self, lambda: self.full_screen.setChecked(False))
        top = QHBoxLayout()
        top.addWidget(self.address, 1)
        top.addWidget(self.full_screen, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        self._scale_fonts()
        self.resize(1100, 700)
        self.show_class([], ClassCounts(0, 0, 0, 0), None)

    def show_class(self, rows: list[ClassRow], counts: ClassCounts, url: str | None) -> None:
        """Show the rows, the counts and the address students open (None: not shared)."""
        self.address.setText(f"Join: {url}" if url else NOT_SHARED)
        self.counts.setText(counts.text())
        if rows != self.model.rows():
            self.model.set_rows(rows)
            if not self._fit.isActive():
                self._fit.start()

    @Slot()
    def fit_columns(self) -> None:
        """Fit the columns to their text; squeeze "User", "Held by" and "Session" when the
        table is too narrow, so the Alert column stays in sight."""
        table = self.table
        last = self.model.columnCount() - 1
        for column in range(last):
            table.resizeColumnToContents(column)
        room = table.viewport().width()
        # The Alert column stretches; it needs room for the start of a hijack's alert at least.
        alert = (
            table.fontMetrics().horizontalAdvance(ALERT_START) + 2 * table.fontMetrics().height()
        )
        if sum(table.columnWidth(c) for c in range(last)) + alert <= room:
            return
        header = table.horizontalHeader()
        for column, share in SQUEEZED_SHARE.items():
            least = header.sectionSizeHint(column)  # its title stays whole
            squeezed = max(least, int(room * share))
            table.setColumnWidth(column, min(table.columnWidth(column), squeezed))

    def _scale_fonts(self) -> None:
        _scaled(self.address, 1.8, bold=True)
        _scaled(self.counts, 1.4)
        _scaled(self.table, SCALE)

    def changeEvent(self, event: QEvent) -> None:
        """Follow presenter zoom."""
        super().changeEvent(event)
        # The application's font reaches this window as its own font change (Qt hands
        # ApplicationFontChange to event(), never to changeEvent()); its children's fonts
        # are set here, so they are scaled again from it.
        if event.type() == QEvent.Type.FontChange:
            self._scale_fonts()
            self._fit.start()

    def resizeEvent(self, event) -> None:
        """Fit the columns again to the new width (full screen on the projector, say)."""
        super().resizeEvent(event)
        self._fit.start()

    @Slot(bool)
    def _set_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
