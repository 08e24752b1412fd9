"""The join dialog on a projector: the address large and the QR code whole, at any zoom."""

from __future__ import annotations

import pytest
import segno
from devices import SHARED
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.window.font_zoom import FontZoom
from desktop.window.join_dialog import JoinDialog

URL = "http://192.168.1.23:40883"
PRESENTER_ZOOM = 6  # points added by three Ctrl+plus


def shown_code(widget) -> list[list[bool]]:
    """Read back the QR code a widget shows: its modules, dark or not, from a grab.

    The code is found as the box around its dark pixels; it must be square and leave its
    quiet zone (four modules of white) inside the widget, as a phone's camera needs.
    """
    image = widget.grab().toImage()
    width, height = image.width(), image.height()

    def dark(x: int, y: int) -> bool:
        return image.pixelColor(x, y).lightness() < 128

    rows = [y for y in range(height) if any(dark(x, y) for x in range(0, width, 1))]
    columns = [x for x in range(width) if any(dark(x, y) for y in rows)]
    assert rows and columns, "no code shown"
    top, bottom, left, right = rows[0], rows[-1], columns[0], columns[-1]
    size = len(segno.make(URL, error="m").matrix)
    module = (right - left + 1) / size
    assert (bottom - top + 1) / size == pytest.approx(module, abs=0.5), "the code is cut"
    assert module >= 3, "too small to scan"
    quiet = 4 * module
    assert left >= quiet and top >= quiet, "no quiet zone above or left: cut off"
    assert width - right - 1 >= quiet and height - bottom - 1 >= quiet, "cut off below or right"
    return [
        [dark(int(left + (c + 0.5) * module), int(top + (r + 0.5) * module)) for c in range(size)]
        for r in range(size)
    ]


def matrix() -> list[list[bool]]:
    return [[bool(bit) for bit in row] for row in segno.make(URL, error="m").matrix]


@pytest.fixture
def zoom(qapp):
    """Presenter zoom (the application's font), back to normal afterwards."""
    zoom = FontZoom()
    yield zoom
    zoom.set_points(0)


@pytest.mark.parametrize("points", [0, PRESENTER_ZOOM], ids=["normal", "presenter zoom"])
def test_the_whole_code_shows_when_the_dialog_opens(qtbot, zoom, points):
    zoom.set_points(zoom.current + points)
    dialog = JoinDialog(URL, lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert shown_code(dialog.qr) == matrix()
    assert dialog.frameGeometry().height() <= dialog.screen().availableGeometry().height()


def test_zooming_with_the_dialog_open_keeps_the_address_large_and_the_code_whole(qtbot, zoom):
    dialog = JoinDialog(URL, lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    normal = dialog.url_label.font().pointSizeF()
    for _ in range(PRESENTER_ZOOM // 2):
        zoom.larger.trigger()
    qtbot.waitUntil(lambda: dialog.url_label.font().pointSizeF() > normal)
    assert dialog.url_label.font().pointSizeF() > QApplication.font().pointSizeF() * 2
    qtbot.wait(50)  # the dialog fits itself once its labels have measured the larger text
    assert shown_code(dialog.qr) == matrix()
    assert dialog.url_label.width() >= dialog.url_label.sizeHint().width()  # the URL whole


def test_presenter_zoom_keys_work_in_the_join_dialog_and_the_class_view(qtbot, window):
    assert window.sharing.share(SHARED) is not None
    base = QApplication.font().pointSize()
    try:
        for widget in (window.sharing.join_dialog, window.sharing.show_class_view()):
            widget.activateWindow()
            qtbot.waitUntil(widget.isActiveWindow)
            before = QApplication.font().pointSize()
            qtbot.keyClick(widget, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
            assert QApplication.font().pointSize() == before + 2
    finally:
        window.zoom.reset.trigger()
    assert QApplication.font().pointSize() == base


def test_a_long_ipv6_address_is_shown_whole_within_the_screen(qtbot, zoom):
    zoom.set_points(zoom.current + PRESENTER_ZOOM)
    url = "http://[2001:db8:1234:5678:9abc:def0:1234:5678]:40883"
    dialog = JoinDialog(url, lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= dialog.screen().availableGeometry().width()
    assert dialog.url_label.width() >= dialog.url_label.sizeHint().width()  # not cut
    assert dialog.url_label.font().pointSizeF() >= dialog.font().pointSizeF()  # still large
