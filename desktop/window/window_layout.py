"""The window's layout, fitted to its screen: all stacked when there is room, compact when not.

Compact (a projector at 1366×768 or 1024×768, or presenter zoom on any screen): the page keeps
the left column; the walkthrough's explanation moves to the top of the right column, sized to its
text, above one inspector at a time (the one the step is about). Splitter sizes are remembered.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

#: Compact below this many lines of text in the window's height, or columns in its width.
COMPACT_LINES = 46
COMPACT_COLUMNS = 150
#: The share of the right column the explanation may take when compact.
EXPLANATION_SHARE = 0.55
#: The share of the left column it may grow to when everything is stacked.
STACKED_SHARE = 0.45
SPLITTERS = ("main", "left", "right")


class WindowLayout(QObject):
    """Builds the window's central widget and re-fits it as the window or its font changes."""

    def __init__(self, window, banners, settings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.compact = False
        self.panel = None
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.setObjectName("left_splitter")
        self.left.addWidget(window.tabs)
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(window.inspectors.chooser)
        column_layout.addWidget(window.inspectors, 1)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setObjectName("right_splitter")
        self.right.addWidget(column)
        self.main = QSplitter(Qt.Orientation.Horizontal)
        self.main.setObjectName("main_splitter")
        self.main.addWidget(self.left)
        self.main.addWidget(self.right)
        self.main.setSizes([520, 920])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        for banner in banners:
            layout.addWidget(banner)
        layout.addWidget(self.main, 1)
        window.setCentralWidget(central)
        self._zoomed = False
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self.update)
        window.installEventFilter(self)

    def splitters(self) -> dict[str, QSplitter]:
        """The window's splitters by the names their sizes are saved under."""
        return dict(zip(SPLITTERS, (self.main, self.left, self.right), strict=True))

    def add_walkthrough(self, panel) -> None:
        """Place the walkthrough panel (under the page, or above the inspectors if compact)."""
        self.panel = panel
        panel.text_shown.connect(self.fit_explanation)
        self.left.addWidget(panel)
        self.left.setSizes([600, 260])
        for name, splitter in self.splitters().items():
            state = self.settings.splitter_state(name)
            if state is not None and name != "right":  # the right one is sized to the text
                splitter.restoreState(state)
        self._place(force=True)

    def save(self) -> None:
        """Remember the splitters' sizes (the stacked layout's: compact sizes are computed)."""
        if not self.compact:
            for name, splitter in self.splitters().items():
                self.settings.set_splitter_state(name, splitter.saveState())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Re-fit after the window is resized or its font changes (presenter zoom)."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self._refit.start()
        if event.type() == QEvent.Type.FontChange:
            self._zoomed = True
        return False

    def wants_compact(self) -> bool:
        """Whether the window is too small, for its font, to stack everything."""
        metrics = self.window.fontMetrics()
        return (
            self.window.height() < COMPACT_LINES * metrics.height()
            or self.window.width() < COMPACT_COLUMNS * metrics.averageCharWidth()
        )

    @Slot()
    def update(self) -> None:
        """Switch between the stacked and compact layouts as the room demands."""
        if self._zoomed:
            self._zoomed = False
            self.keep_on_screen()
        self._place()
        self.fit_explanation()

    def keep_on_screen(self) -> None:
        """Bring the window back within its screen after presenter zoom.

        Larger text makes Qt grow the window to its new minimum, at times past the bottom of a
        768-pixel projector (a word-wrapped bar's minimum, measured at a narrow width); it never
        shrinks it back. A maximised or full-screen window is the system's to size.
        """
        window = self.window
        screen = window.screen()
        if screen is None or window.isMaximized() or window.isFullScreen():
            return
        room = screen.availableGeometry()
        frame = window.frameGeometry().height() - window.height()
        height = max(window.minimumSizeHint().height(), room.height() - frame)
        if window.height() > height:
            window.resize(window.width(), height)

    def _place(self, force: bool = False) -> None:
        compact = self.wants_compact()
        if compact == self.compact and not force:
            return
        if not self.compact:
            self.save()
        self.compact = compact
        self.window.inspectors.set_compact(compact)
        for browser in self.window.browsers:
            browser.pane.set_compact(compact)
        if self.panel is not None:
            self.panel.set_compact(compact)
            if compact:
                self.right.insertWidget(0, self.panel)
                width = self.window.width()  # the inspectors need a little more than the page
                self.main.setSizes([width * 9 // 20, width * 11 // 20])
            else:
                self.left.addWidget(self.panel)
                self.left.setSizes([600, 260])

    @Slot()
    def fit_explanation(self) -> None:
        """Give the explanation the height of its text, within a share of its column.

        Compact, the box is sized to each text; stacked, it only grows when a text does not
        fit (so the sizes a teacher dragged to stay as they are otherwise).
        """
        if self.panel is None:
            return
        splitter = self.right if self.compact else self.left
        sizes = splitter.sizes()
        index = splitter.indexOf(self.panel)
        total = sum(sizes) or splitter.height()
        share = EXPLANATION_SHARE if self.compact else STACKED_SHARE
        wanted = min(self.panel.wanted_height(), int(total * share))
        if index < 0 or (not self.compact and wanted <= sizes[index]):
            return
        sizes = [max(0, total - wanted)] * len(sizes)
        sizes[index] = wanted
        splitter.setSizes(sizes)
