"""The layout fits a projector: at 1366×768 and 1024×768 with presenter zoom, all is readable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

from desktop.window.main_window import MainWindow
from desktop.window.settings import LabSettings

STEP_TIMEOUT_MS = 20_000


@pytest.fixture
def zoomed(window):
    """Restore the application's font after a test that zooms."""
    yield window
    window.zoom.reset.trigger()


def settle(qtbot) -> None:
    """Let deferred layout work (the re-fit after a resize or a zoom) happen."""
    qtbot.wait(150)  # not a sleep: the event loop runs, so the queued re-fits do


def fits(header: QHeaderView, column: int) -> bool:
    """Whether a header's title fits its section, even drawn bold (a selected row's columns)."""
    title = header.model().headerData(column, header.orientation())
    bold = QFont(header.font())
    bold.setBold(True)
    return header.sectionSize(column) >= QFontMetrics(bold).horizontalAdvance(title)


def visible_rows(view: QTableView) -> int:
    rows = view.model().rowCount()
    height = view.viewport().height()
    return sum(
        1 for row in range(rows) if view.rowViewportPosition(row) + view.rowHeight(row) <= height
    )


def explanation_fits(panel) -> bool:
    document = panel.text.document()
    document.setTextWidth(panel.text.viewport().width())
    return panel.text.isVisible() and document.size().height() <= panel.text.viewport().height()


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_presenter_zoom_on_a_projector_keeps_everything_readable(qtbot, zoomed, size):
    window = zoomed
    window.resize(*size)
    base = QApplication.font().pointSize()
    for _ in range(3):
        window.zoom.larger.trigger()
    assert QApplication.font().pointSize() == base + 6
    panel = window.walkthrough_panel
    panel.start("tutorial")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    panel.forward()
    qtbot.waitUntil(lambda: panel.index == 1, timeout=STEP_TIMEOUT_MS)
    settle(qtbot)

    assert window.layout_fit.compact
    assert explanation_fits(panel), panel.text.toPlainText()  # the step's text, not its title
    store = window.inspectors.session_table  # the inspector this step is about, in front
    assert store.isVisible() and visible_rows(store) > 0
    data = store.model().columnCount() - 1
    rect = store.visualRect(store.model().index(0, data))
    shown = store.model().index(0, data).data()
    assert rect.right() <= store.viewport().width()
    assert rect.width() >= store.fontMetrics().horizontalAdvance('{"userid": "alice"')
    assert shown.startswith('{"userid": "alice"')
    header = store.horizontalHeader()
    assert all(fits(header, c) for c in range(data) if not header.isSectionHidden(c))
    page = window.browser.page_view
    assert page.isVisible() and page.viewport().height() >= 4 * page.fontMetrics().height()
    assert window.browser.userid_edit.isVisible() and panel.next_button.isVisible()


def test_headers_fit_again_when_the_zoom_changes(qtbot, zoomed):
    window = zoomed
    window.resize(1920, 1080)
    settle(qtbot)
    timeline = window.inspectors.traffic_table
    for _ in range(3):
        window.zoom.larger.trigger()
    settle(qtbot)
    window.inspectors.focus_inspector("timeline")
    header = timeline.horizontalHeader()
    assert all(fits(header, c) for c in range(header.count() - 1))  # no "rowse", no "tatu"


def test_the_red_bar_grows_with_its_text(qtbot, zoomed):
    window = zoomed
    window.resize(1920, 1080)
    for name in ("no_rotation", "no_csrf", "weak_key"):
        window.controls.set_switch(name, True)
    for _ in range(3):
        window.zoom.larger.trigger()
    settle(qtbot)
    label = window.controls.switch_banner.label
    assert label.font().pointSize() == QApplication.font().pointSize()
    assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height()


def test_a_large_screen_stacks_everything_and_shows_the_users_in_the_store(qtbot, window):
    window.resize(1440, 900)
    settle(qtbot)
    assert not window.layout_fit.compact
    assert all(box.isVisible() for box in window.inspectors.boxes.values())
    store = window.inspectors.session_table
    data = store.model().columnCount() - 1
    rect = store.visualRect(store.model().index(0, data))
    assert rect.left() + store.fontMetrics().horizontalAdvance('{"csrf_token"') <= (
        store.viewport().width()
    )


def test_the_splitters_are_remembered(qtbot, lab, tmp_path):
    path = str(tmp_path / "s.ini")
    first = MainWindow(lab, LabSettings(QSettings(path, QSettings.Format.IniFormat)))
    qtbot.addWidget(first)
    first.resize(1440, 900)
    first.show()
    qtbot.waitUntil(lambda: first._walkthrough_panel is not None)
    settle(qtbot)
    first.layout_fit.main.setSizes([700, 700])
    sizes = first.layout_fit.main.sizes()
    first.layout_fit.save()
    saved = LabSettings(QSettings(path, QSettings.Format.IniFormat)).splitter_state("main")
    assert saved is not None
    first.layout_fit.main.setSizes([300, 1100])
    first.layout_fit.main.restoreState(saved)
    assert first.layout_fit.main.sizes() == sizes


def test_the_last_steps_text_and_what_it_shows_fit_on_a_large_screen(qtbot, window):
    window.resize(1440, 900)
    panel = window.walkthrough_panel
    panel.start("tutorial")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    while not panel.done:
        before = panel.index
        panel.forward()
        qtbot.waitUntil(lambda b=before: panel.index == b + 1, timeout=STEP_TIMEOUT_MS)
    settle(qtbot)
    assert "What this shows" in panel.text.toPlainText()
    assert explanation_fits(panel)


def test_the_first_launch_fits_a_small_screen(window):
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()


def test_presenter_zoom_brings_a_window_past_the_screen_s_bottom_back(qtbot, zoomed):
    window = zoomed
    room = window.screen().availableGeometry()
    window.resize(room.width(), room.height() + 200)  # as Qt grew it to a bar's minimum
    window.zoom.larger.trigger()
    settle(qtbot)
    assert window.height() <= max(window.minimumSizeHint().height(), room.height())
