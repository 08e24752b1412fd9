"""The walkthrough panel's widgets: scenario choice, steps, explanation, countdown, Back, Next."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
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

from desktop.classroom.walkthrough import Walkthrough
from desktop.ui.widget_names import name_widget

#: A clicker's forward keys and the keyboard's; then its back keys.
NEXT_KEYS = ("PgDown", "Right", "Space", "Return", "Enter")
BACK_KEYS = ("PgUp", "Left")
INTRO = (
    "<p><i>Pick a scenario and press Start: each Next (or Page Down) performs one step and "
    "says what changed in the cookie jar, the session store and the timeline.</i></p>"
)


class WalkthroughView(QWidget):
    """Lays out the panel's widgets; :class:`WalkthroughPanel` gives them their behaviour.

    The clicker keys work anywhere inside the panel (where the focus stays during a lesson),
    and nowhere else: Right and Space keep their meaning in the page and the address bar.
    """

    def __init__(self, walkthroughs: Sequence[Walkthrough]) -> None:
        super().__init__()
        name_widget(self, "walkthrough_panel", "Guided walkthrough")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # holds the focus while Next is off
        self.compact = False
        self.choice = name_widget(QComboBox(), "walkthrough_choice", "Scenario")
        for number, walk in enumerate(walkthroughs):
            self.choice.addItem(f"{number}. {walk.title}", walk.key)
        self.start_button = name_widget(QPushButton("Start"), "walkthrough_start", "Start")
        self.stop_button = name_widget(QPushButton("Stop"), "walkthrough_stop", "Stop")
        self.stop_button.setAccessibleDescription("End the scenario and put the lab back")
        self.stop_button.hide()
        self.steps = name_widget(QListWidget(), "walkthrough_steps", "Walkthrough steps")
        self.steps.setMaximumHeight(self.fontMetrics().height() * 5)
        self.steps.hide()  # until a walkthrough starts: the page needs the room
        self.text = name_widget(QTextBrowser(), "walkthrough_text", "What just happened")
        self.text.setAccessibleDescription("The explanation of the step just performed")
        self.countdown = name_widget(QLabel(), "walkthrough_countdown", "Waiting")
        self.countdown.hide()
        self.back_button = name_widget(QPushButton("Back"), "walkthrough_back", "Previous step")
        self.back_button.setAccessibleDescription("Show the previous step's explanation again")
        self.back_button.setEnabled(False)
        self.next_button = name_widget(QPushButton("Next"), "walkthrough_next", "Next step")
        self.next_button.setAccessibleDescription("Perform the next step (Page Down, Right)")
        self.next_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(self.start_button)
        top.addWidget(self.stop_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.next_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.steps)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.countdown)
        layout.addLayout(bottom)
        self.text.setHtml(INTRO)
        for keys, slot in ((NEXT_KEYS, self.forward), (BACK_KEYS, self.back)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
        self.start_button.clicked.connect(lambda: self.start(self.choice.currentData()))
        self.stop_button.clicked.connect(self.stop)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)

    def forward(self) -> None:
        """Next (the panel's behaviour)."""
        raise NotImplementedError

    def back(self) -> None:
        """Back (the panel's behaviour)."""
        raise NotImplementedError

    def start(self, key: str) -> None:
        """Start a scenario (the panel's behaviour)."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the scenario (the panel's behaviour)."""
        raise NotImplementedError

    def set_compact(self, compact: bool) -> None:
        """On a small screen, leave the step list out: the explanation names the step."""
        self.compact = compact
        self.steps.setVisible(self.steps.count() > 0 and not compact)

    def show_steps(self, titles: Sequence[str] | None) -> None:
        """List the steps (None hides the list); a small screen leaves it out."""
        self.steps.clear()
        self.steps.addItems([f"{n}. {title}" for n, title in enumerate(titles or (), start=1)])
        self.steps.setVisible(titles is not None and not self.compact)

    def wanted_height(self) -> int:
        """The height that shows the whole explanation with the controls around it."""
        document = self.text.document()
        document.setTextWidth(self.text.viewport().width())
        text = int(document.size().height()) + 2 * self.text.frameWidth() + 4
        return self.sizeHint().height() - self.text.sizeHint().height() + text
