"""A one-line label: long text ends in "…" at the label's width, all of it in the tooltip."""

from __future__ import annotations

from PySide6.QtGui import QFont

from desktop.ui.one_line_label import OneLineLabel

LONG = "Class: 412 requests from 38 devices, 40 in the last minute. Last: Firefox on Android " * 3


def shown(qtbot, width: int) -> OneLineLabel:
    label = OneLineLabel()
    qtbot.addWidget(label)
    label.resize(width, 30)
    label.show()
    return label


def test_long_text_is_cut_to_one_line_and_kept_whole_in_the_tooltip(qtbot):
    label = shown(qtbot, 300)
    label.set_full_text(LONG)
    assert label.text().endswith("…") and len(label.text()) < len(LONG)
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    assert label.full_text() == LONG and LONG.strip() in label.toolTip()
    assert label.accessibleDescription() == LONG


def test_it_cuts_again_when_widened_or_zoomed(qtbot):
    label = shown(qtbot, 300)
    label.set_full_text(LONG)
    narrow = label.text()
    label.resize(3000, 30)
    assert label.text() == LONG  # room for all of it now
    label.resize(300, 30)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)  # presenter zoom
    label.setFont(font)
    assert len(label.text()) < len(narrow)


def test_short_text_is_shown_as_it_is(qtbot):
    label = shown(qtbot, 300)
    label.set_full_text("Class: 2 requests")
    assert label.text() == "Class: 2 requests"


def test_line_breaks_in_the_text_do_not_make_it_taller(qtbot):
    # A student's path "/%0A%0A…" (or a message quoting one) stood a line per break, pushing
    # the timeline below it down.
    label = shown(qtbot, 600)
    label.set_full_text("Class: 2 requests")
    height = label.sizeHint().height()
    label.set_full_text("GET /a\nb\r\nc\u2028d\u2029e\x0bf → 404")
    assert label.sizeHint().height() == height
    assert label.text() == "GET /a b c d e f → 404"
    assert "a\nb" in label.full_text()  # kept as it was, for the tooltip
