"""The inspector panel: one inspector at a time when compact, colours readable in any theme."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

import desktop.inspectors.panel as panel_module
from desktop.inspectors.panel import InspectorPanel, cookie_line_style
from desktop.ui.colours import accent_background, highlight_background, severity_colour
from server.records import SessionEvent, SessionRecord

Role = QPalette.ColorRole


def contrast(first: QColor, second: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in colour.getRgbF()[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def dark_palette(qapp):
    """A dark desktop's palette: light text on a dark base, a blue highlight."""
    before = QPalette(QApplication.palette())
    dark = QPalette(QColor("#2b2b2b"))
    for role, colour in (
        (Role.Window, "#2b2b2b"),
        (Role.WindowText, "#eeeeee"),
        (Role.Base, "#1e1e1e"),
        (Role.Text, "#eeeeee"),
        (Role.Highlight, "#3d7be0"),
    ):
        dark.setColor(role, QColor(colour))
    QApplication.setPalette(dark)
    yield dark
    QApplication.setPalette(before)


def test_highlights_stay_readable_on_a_dark_desktop(dark_palette):
    text = dark_palette.color(Role.Text)
    for background in (highlight_background(), accent_background()):
        assert contrast(text, background) >= 4.5
    assert contrast(severity_colour("error"), dark_palette.color(Role.Base)) >= 4.5
    style = cookie_line_style()
    assert f"color:{text.name()}" in style and "#fff0a0" not in style


def test_compact_shows_one_inspector_chosen_by_the_step(qtbot):
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_compact(True)
    assert panel.chooser.isVisible()
    assert [box.isVisible() for box in panel.boxes.values()] == [False, False, True]
    panel.highlight_session("nobody")
    assert [box.isVisible() for box in panel.boxes.values()] == [False, True, False]
    panel.highlight_cookie("sessionid")
    assert [box.isVisible() for box in panel.boxes.values()] == [True, False, False]
    panel.set_compact(False)
    assert all(box.isVisible() for box in panel.boxes.values())
    assert not panel.chooser.isVisible()


def test_no_table_traps_the_tab_key(qtbot):
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    for view in (panel.cookie_table, panel.session_table, panel.traffic_table):
        assert not view.tabKeyNavigation()
        assert view.accessibleName() and view.accessibleDescription()


def test_a_busy_class_fits_the_store_s_columns_once_per_burst(qtbot, monkeypatch):
    """Forty students joining, then reloading: the columns are measured a few times, not 240.

    Measuring a table's columns asks the model for every visible cell; doing it on every
    change of a busy store froze the window for seconds while a class joined.
    """
    fits = []
    monkeypatch.setattr(panel_module, "fit_columns", lambda view: fits.append(view))
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.show()
    records = [SessionRecord(f"sid{n:02d}" + "x" * 30, {"csrf_token": "t"}) for n in range(40)]
    for record in records:
        panel.session_model.apply(SessionEvent("created", record.sid, record))
    qtbot.wait(400)
    joined = len(fits)
    assert panel.session_model.rowCount() == 40 and 1 <= joined <= 3
    for reload in range(5):
        for record in records:
            changed = SessionRecord(record.sid, {"userid": f"u{reload}", "csrf_token": "t"})
            panel.session_model.apply(SessionEvent("changed", record.sid, changed))
    qtbot.wait(400)
    assert len(fits) == joined  # ids and holders did not change: nothing to measure again
    panel.session_model.set_current_sid(records[0].sid)  # now bold: measured again, once
    qtbot.wait(400)
    assert len(fits) == joined + 1


def test_compact_shows_held_by_once_students_browsers_hold_sessions(qtbot):
    # Presenter zoom on a projector: "Held by" earns its room once two browsers hold sessions,
    # and students' browsers count as much as the lab's own.
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_compact(True)
    panel.focus_inspector("store")
    model = panel.session_model
    model.reset([SessionRecord("teacher" + "x" * 30), SessionRecord("alice" + "x" * 30)])
    model.set_holders({"teacher" + "x" * 30: ["Browser 1"]})
    qtbot.wait(400)
    assert panel.session_table.isColumnHidden(1)  # one browser: nothing to tell apart
    model.set_remote_holders({"alice" + "x" * 30: ["Firefox on Android · 10.0.0.5"]})
    qtbot.waitUntil(lambda: not panel.session_table.isColumnHidden(1))


def test_students_browser_names_leave_the_user_names_in_sight_at_presenter_zoom(qtbot):
    # Shared: "Held by" names students' browsers at length; the Data column's user names,
    # what the teacher reads first, must not be pushed out of the table by them.
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    panel.set_compact(True)
    panel.focus_inspector("store")
    model = panel.session_model
    sids = [f"{n}" * 43 for n in range(5)]
    model.reset([SessionRecord(sid, {"userid": f"student{n}"}) for n, sid in enumerate(sids)])
    held = {
        sid: [f"Firefox on Android · 192.168.100.1{n}", f"Firefox on Linux · 192.168.100.2{n}"]
        for n, sid in enumerate(sids)
    }
    model.set_remote_holders(held)
    table = panel.session_table
    data = model.columnCount() - 1
    start = table.fontMetrics().horizontalAdvance('{"userid": "student')
    qtbot.waitUntil(lambda: not table.isColumnHidden(1) and table.columnWidth(1) > 0)
    qtbot.waitUntil(lambda: table.columnViewportPosition(data) + start <= table.viewport().width())
    tooltip = model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert ", ".join(held[sids[0]]) in tooltip  # all of it, one hover away


def test_a_deleted_session_leaves_no_other_session_highlighted(qtbot):
    # A walkthrough's logout deletes the highlighted session: Qt would select the next row, a
    # student's session while the lab is shared, as if the step were about it.
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.show()
    sids = [letter * 43 for letter in "ABC"]
    panel.session_model.reset([SessionRecord(sid) for sid in sids])
    panel.highlight_session(sids[1])
    selected = panel.session_table.selectionModel().selectedRows
    assert [index.row() for index in selected()] == [1]
    panel.session_model.apply(SessionEvent("deleted", sids[1], None))
    assert panel.session_model.rowCount() == 2 and selected() == []


def test_capped_columns_give_up_only_what_the_data_needs(qtbot):
    # A table a little too narrow: the ids and "Held by" make just that room, no more.
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.resize(2400, 700)
    panel.show()
    model = panel.session_model
    sids = [f"{n}" * 43 for n in range(3)]
    model.reset([SessionRecord(sid, {"userid": f"student{n}"}) for n, sid in enumerate(sids)])
    model.set_remote_holders(
        {sid: [f"Safari on iPhone · 10.0.0.{n}", "Firefox on Linux"] for n, sid in enumerate(sids)}
    )
    table = panel.session_table
    qtbot.wait(400)  # the store is fitted once the holders have settled
    panel_module.fit_columns(table)
    last = model.columnCount() - 1
    natural = [table.columnWidth(column) for column in range(last)]
    data = panel_module.content_widths(table)[last]
    short = 40
    panel.resize(panel.width() - (table.viewport().width() - sum(natural) - data) - short, 700)
    qtbot.waitUntil(lambda: table.viewport().width() == sum(natural) + data - short)
    panel_module.fit_columns(table)
    widths = [table.columnWidth(column) for column in range(last)]
    assert sum(natural) - sum(widths) == short  # just the room the data needs
    assert widths[1] >= natural[1] - short  # "Held by" stays (nearly) whole
