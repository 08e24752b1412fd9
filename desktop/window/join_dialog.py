"""The address students open, large, with a QR code their phones can scan."""

from __future__ import annotations

import segno
from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widget_names import name_widget

QR_PIXELS = 360  # the code's side on screen: scannable from a few rows back on a projector
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
LEAST_MODULE_PIXELS = 3  # below this a phone's camera no longer tells the modules apart
URL_SCALE = 2.2  # the address against the dialog's text
SCREEN_SHARE = 0.9  # the most of the screen the dialog takes when it fits itself


class QrCode(QWidget):
    """A QR code drawn whole in whatever room it is given: whole pixels per module, centred.

    A fixed picture in a label was cut off when the dialog had less room than the picture
    (presenter zoom on a 1366×768 projector), and a cut code cannot be scanned.
    """

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix = segno.make(url, error="m").matrix
        self._modules = len(self._matrix) + 2 * QUIET_ZONE
        least = self._modules * LEAST_MODULE_PIXELS
        self.setMinimumSize(least, least)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        """Room for the code at its usual size."""
        return QSize(QR_PIXELS, QR_PIXELS)

    def code_rect(self) -> QRect:
        """Where the code, quiet zone included, is drawn."""
        scale = max(1, min(self.width(), self.height()) // self._modules)
        side = scale * self._modules
        return QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def paintEvent(self, event) -> None:
        """Draw the code dark on white: a phone reads it so in every theme."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        area = self.code_rect()
        scale = area.width() // self._modules
        left, top = area.left() + QUIET_ZONE * scale, area.top() + QUIET_ZONE * scale
        black = QColor("black")
        for row, bits in enumerate(self._matrix):
            for column, dark in enumerate(bits):
                if dark:
                    painter.fillRect(left + column * scale, top + row * scale, scale, scale, black)
        painter.end()


class JoinDialog(QDialog):
    """Shows the shared URL and its QR code; Stop sharing is one button away.

    ``actions`` (presenter zoom's) work in the dialog too, and the dialog follows the zoom:
    the address stays large and the code whole, within the screen.
    """

    def __init__(
        self,
        url: str,
        stop_sharing,
        parent: QWidget | None = None,
        actions: list[QAction] | None = None,
    ) -> None:
        super().__init__(parent)
        name_widget(self, "join_dialog", "Join the lab")
        self.setWindowTitle("Session Lab — students join here")
        intro = QLabel(
            "Students on the same network open this address in their own browser, or scan the "
            "code with their phone's camera:"
        )
        intro.setWordWrap(True)
        self.url_label = name_widget(QLabel(url), "join_url", "Address to open")
        self.url_label.setTextFormat(Qt.TextFormat.PlainText)
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = name_widget(QrCode(url), "join_qr_code", f"QR code of {url}")
        note = QLabel(
            "While shared, each device is rate-limited, the number of live sessions is capped, "
            "and any weakening switch you turn on is on for every student. Stop sharing returns "
            "the lab to this computer only."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        stop = buttons.addButton("Stop sharing", QDialogButtonBox.ButtonRole.DestructiveRole)
        name_widget(stop, "join_stop_sharing", "Stop sharing")
        stop.clicked.connect(stop_sharing)
        stop.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.url_label)
        layout.addWidget(self.qr, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.addActions(actions or [])
        self._scale_url()
        self.fit_to_screen()

    def _scale_url(self) -> None:
        # From the dialog's own font, which follows the application's (presenter zoom), and
        # smaller if the whole address would not fit the screen's width (a long IPv6 one).
        big = QFont(self.font())
        big.setBold(True)
        room = self._screen().width() * SCREEN_SHARE - 2 * self.layout().contentsMargins().left()
        points = self.font().pointSizeF() * URL_SCALE
        big.setPointSizeF(points)
        width = QFontMetricsF(big).horizontalAdvance(self.url_label.text())
        if width > room:
            big.setPointSizeF(max(self.font().pointSizeF(), points * room / width))
        self.url_label.setFont(big)

    def _screen(self) -> QRect:
        return (self.parentWidget() or self).screen().availableGeometry()

    def fit_to_screen(self) -> None:
        """Take the room the dialog asks for, within its screen (Qt alone keeps a new window
        to two thirds of the screen's height, which left the code too little room)."""
        screen = self._screen()
        hint = self.sizeHint()
        self.resize(
            min(max(hint.width(), self.qr.sizeHint().width()), int(screen.width() * SCREEN_SHARE)),
            min(hint.height(), int(screen.height() * SCREEN_SHARE)),
        )
        if not self.isVisible():
            return  # Qt places a new dialog over its window when it is shown
        frame = self.frameGeometry()
        self.move(
            max(screen.left(), min(frame.left(), screen.right() - frame.width())),
            max(screen.top(), min(frame.top(), screen.bottom() - frame.height())),
        )

    def changeEvent(self, event: QEvent) -> None:
        """Follow presenter zoom: the address stays large, and the dialog fits itself again."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._scale_url()
            # Once the labels have measured their new text.
            QTimer.singleShot(0, self, self.fit_to_screen)
