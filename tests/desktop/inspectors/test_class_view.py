"""The class view's table: columns fitted once per burst of changes, the Alert kept in sight."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from desktop.inspectors.class_rows import ClassCounts, ClassRow
from desktop.inspectors.class_view import ClassView
from desktop.ui.plain_text import plain_tooltip

HELD_BY = ", ".join(f"Firefox on Android · 192.168.1.{n}" for n in range(1, 9))
URL = "http://127.0.0.2:5000"
ALERT = "⚠ HIJACK? 2 browsers at once: Safari on iPhone · 127.0.1.2, Firefox on Linux · 127.0.1.9"
COUNTS_1 = ClassCounts(1, 1, 1, 0)


def class_of(count: int, held_by: str = "Firefox on Android · 192.168.1.7") -> list[ClassRow]:
    return [ClassRow(f"student{n:02}", held_by, "AbCd…", "10:00:00") for n in range(count)]


def shown(qtbot, width: int = 1100) -> ClassView:
    view = ClassView()
    qtbot.addWidget(view)
    view.resize(width, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_burst_of_students_is_measured_once_the_burst_is_over(qtbot):
    view = shown(qtbot)
    qtbot.waitUntil(lambda: not view._fit.isActive())
    before = view.table.columnWidth(0)
    for count in range(1, 41):  # forty students arriving one by one, with long names
        rows = [ClassRow(f"a-rather-long-student-name-{n:02}", "", "", "") for n in range(count)]
        view.show_class(rows, ClassCounts(count, count, 0, 0), URL)
        view.table.columnViewportPosition(1)  # where Qt's own fitting measured every row
    assert view.table.columnWidth(0) == before  # not measured per arrival
    assert view._fit.isActive()
    qtbot.waitUntil(lambda: not view._fit.isActive())  # once the burst is over: fitted
    wanted = view.table.fontMetrics().horizontalAdvance("a-rather-long-student-name-39")
    assert view.table.columnWidth(0) >= wanted


def test_the_same_rows_again_are_not_fitted_again(qtbot):
    view = shown(qtbot)
    view.show_class(class_of(3), ClassCounts(3, 3, 0, 0), URL)
    qtbot.waitUntil(lambda: not view._fit.isActive())
    view.show_class(class_of(3), ClassCounts(3, 3, 0, 0), URL)
    assert not view._fit.isActive()


def test_a_narrow_table_squeezes_held_by_so_the_alert_stays_in_sight(qtbot):
    view = shown(qtbot, width=700)
    rows = class_of(5, held_by=HELD_BY)
    rows[0] = ClassRow("student00", HELD_BY, "AbCd…", "10:00:00", "⚠ used by 2")
    view.show_class(rows, ClassCounts(5, 5, 1, 0), URL)
    view.fit_columns()
    table = view.table
    alert = table.columnViewportPosition(4)
    assert 0 < alert < table.viewport().width() - table.fontMetrics().horizontalAdvance("⚠ used")
    held_by = view.model.index(0, 1)
    assert table.columnWidth(1) < table.fontMetrics().horizontalAdvance(HELD_BY)
    assert view.model.data(held_by, Qt.ItemDataRole.ToolTipRole) == HELD_BY  # all of it


def test_held_by_stays_whole_while_the_alert_s_start_fits_beside_it(qtbot):
    held_by = "Safari on iPhone · 127.0.1.2, Firefox on Linux · 127.0.1.6"
    alert = f"⚠ HIJACK? 2 browsers at once: {held_by}"  # longer than the room left: elided
    view = shown(qtbot, width=1366)
    view.show_class(
        [ClassRow("ben", held_by, "AbCd…", "10:00:00", alert), *class_of(4)],
        ClassCounts(5, 5, 1, 0),
        URL,
    )
    view.fit_columns()
    assert view.table.columnWidth(1) >= view.table.fontMetrics().horizontalAdvance(held_by)


def test_presenter_zoom_enlarges_the_table_and_fits_it_again(qtbot):
    view = shown(qtbot)
    view.show_class(class_of(3), ClassCounts(3, 3, 0, 0), URL)
    qtbot.waitUntil(lambda: not view._fit.isActive())
    points, name_width = view.table.font().pointSizeF(), view.table.columnWidth(0)
    before = QFont(QApplication.font())
    larger = QFont(before)
    larger.setPointSize(before.pointSize() + 6)
    QApplication.setFont(larger)  # View → Larger text, three times
    try:
        qtbot.waitUntil(lambda: view.table.font().pointSizeF() > points)
        qtbot.waitUntil(lambda: view.table.columnWidth(0) > name_width)  # fitted to it
        wanted = view.table.fontMetrics().horizontalAdvance("student02")
        assert view.table.columnWidth(0) >= wanted
    finally:
        QApplication.setFont(before)


def test_a_long_user_name_does_not_push_a_hijack_s_alert_out_of_sight(qtbot):
    # A curious student picks a 150-character name (the most the login form takes).
    name = "<img src=x onerror=alert(1)>" + "W" * 122
    view = shown(qtbot, width=1100)
    rows = [
        ClassRow("ben", "Safari on iPhone · 127.0.1.2", "AbCd…", "10:00:00", ALERT),
        ClassRow(name, "Firefox on Android · 127.0.1.3", "EfGh…", "10:00:00"),
    ]
    view.show_class(rows, ClassCounts(2, 2, 3, 1), URL)
    view.fit_columns()
    table = view.table
    start = table.fontMetrics().horizontalAdvance("⚠ HIJACK?")
    assert table.columnViewportPosition(4) + start <= table.viewport().width()
    # All of it in the tooltip, shown as typed.
    assert view.model.data(view.model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == plain_tooltip(
        name
    )


def test_a_session_no_longer_hijacked_takes_the_theme_s_text_colour_again(qtbot):
    view = shown(qtbot)
    hijacked = ClassRow("ben", "Safari on iPhone, Firefox on Linux", "AbCd…", "10:00:00", ALERT)
    view.show_class([hijacked], ClassCounts(1, 1, 2, 1), URL)
    view.show_class([ClassRow("ann", "Safari on iPhone", "EfGh…", "10:01:00")], COUNTS_1, URL)
    for column in range(view.model.columnCount()):
        index = view.model.index(0, column)
        # The view's palette decides (light text in the dark theme), not a left-over black.
        assert view.model.data(index, Qt.ItemDataRole.ForegroundRole) is None
        assert view.model.data(index, Qt.ItemDataRole.BackgroundRole) is None


def test_the_counts_say_one_live_session_in_the_singular():
    assert ClassCounts(1, 1, 1, 1).text() == "1 logged in · 1 live session · 1 device · 1 hijack"
    assert ClassCounts(0, 2, 0, 0).text() == "0 logged in · 2 live sessions · 0 devices · 0 hijacks"
