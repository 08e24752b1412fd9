"""The address students open, large, with a QR code their phones can scan."""

from __future__ import annotations

import io

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.ui.widget_names import name_widget

QR_PIXELS = 360  # the code's side on screen: scannable from a few rows back on a projector


def qr_pixmap(url: str, side: int = QR_PIXELS) -> QPixmap:
    """Return ``url`` as a QR code, dark on white with its quiet zone, about ``side`` pixels."""
    code = segno.make(url, error="m")
    modules = code.symbol_size(scale=1, border=4)[0]
    buffer = io.BytesIO()
    # segno writes PNG itself (no imaging library needed): whole pixels per module stay sharp.
    code.save(buffer, kind="png", scale=max(1, side // modules), border=4, dark="black")
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


class JoinDialog(QDialog):
    """Shows the shared URL and its QR code; Stop sharing is one button away."""

    def __init__(self, url: str, stop_sharing, parent: QWidget | None = None) -> None:
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
        big = QFont(QApplication.font())
        big.setPointSizeF(big.pointSizeF() * 2.2)
        big.setBold(True)
        self.url_label.setFont(big)
        self.qr = name_widget(QLabel(), "join_qr_code", f"QR code of {url}")
        self.qr.setPixmap(qr_pixmap(url))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The code needs its white quiet zone in every theme.
        self.qr.setStyleSheet("background: white; padding: 8px;")
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
