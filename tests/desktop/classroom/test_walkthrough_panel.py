"""The walkthrough panel from the keyboard or a clicker: Next, Back, focus kept, Finish."""

from __future__ import annotations

from helpers import page_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.classroom.walkthrough import NOT_LOGGED_IN

Key = Qt.Key
STEP_TIMEOUT_MS = 20_000


def focused():
    return QApplication.focusWidget()


def press(key: Qt.Key) -> None:
    """One key, sent to whatever has the focus, as a keyboard or a clicker sends it."""
    QTest.keyClick(focused(), key)


def in_panel(panel) -> bool:
    widget = focused()
    return widget is panel or (widget is not None and panel.isAncestorOf(widget))


def test_a_whole_walkthrough_from_the_keyboard(qtbot, window):
    panel = window.walkthrough_panel
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is window.browser.userid_edit)  # the first focus
    for _ in range(40):  # Tab, as a keyboard user does, until the scenario list
        if focused() is panel.choice:
            break
        press(Key.Key_Tab)
    assert focused() is panel.choice

    press(Key.Key_PageDown)  # a clicker's forward key starts the chosen scenario
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    assert panel.current.key == "tutorial" and in_panel(panel)

    for number, key in enumerate((Key.Key_PageDown, Key.Key_Right, Key.Key_Space), start=1):
        press(key)
        qtbot.waitUntil(lambda n=number: panel.index == n, timeout=STEP_TIMEOUT_MS)
        qtbot.waitUntil(panel.next_button.isEnabled)
        assert in_panel(panel), focused()  # not the tab bar: the next press lands here too
    assert panel.text.toPlainText().startswith("Step 3 of 4: Log out")

    press(Key.Key_PageUp)  # Back: the previous explanation and selection again, no HTTP
    assert panel.text.toPlainText().startswith("Step 2 of 4: Open the secured page")
    press(Key.Key_Left)
    assert panel.text.toPlainText().startswith("Step 1 of 4: Log in as alice")
    requests_before = window.inspectors.traffic_model.rowCount()
    press(Key.Key_Right)
    press(Key.Key_Right)
    assert panel.text.toPlainText().startswith("Step 3 of 4")
    assert window.inspectors.traffic_model.rowCount() == requests_before

    press(Key.Key_Return)  # the last step, for real
    qtbot.waitUntil(lambda: panel.index == 4, timeout=STEP_TIMEOUT_MS)
    assert NOT_LOGGED_IN in page_text(window)
    assert panel.text.toPlainText().startswith("Step 4 of 4")  # its own text in view first
    assert panel.text.verticalScrollBar().value() == 0
    qtbot.waitUntil(panel.next_button.isEnabled)
    assert panel.next_button.text().startswith("Finish")
    press(Key.Key_PageDown)
    assert panel.current is None and in_panel(panel)


def test_back_shows_the_earlier_selection_again(qtbot, window):
    panel = window.walkthrough_panel
    panel.start("browsers")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    for number in (1, 2):
        panel.forward()
        qtbot.waitUntil(lambda n=number: panel.index == n, timeout=STEP_TIMEOUT_MS)
        qtbot.waitUntil(panel.next_button.isEnabled)
    sid1 = window.browsers[0].cookie("sessionid")
    panel.back()
    assert panel.text.toPlainText().startswith("Step 1 of 4")
    selected = window.inspectors.session_table.selectionModel().selectedRows()
    assert [window.inspectors.session_model.records()[i.row()].sid for i in selected] == [sid1]


def test_the_narration_is_announced_and_readable_by_screen_readers(qtbot, window, monkeypatch):
    import desktop.ui.accessibility as accessibility

    sent = []
    monkeypatch.setattr(accessibility, "_post", sent.append)
    panel = window.walkthrough_panel
    panel.start("tutorial")
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    panel.forward()
    qtbot.waitUntil(lambda: panel.index == 1, timeout=STEP_TIMEOUT_MS)
    narration = panel.text.toPlainText()
    assert narration.startswith("Step 1 of 4")
    assert sent and sent[-1].type() == QAccessible.Event.Announcement
    assert sent[-1].message() == narration
    interface = QAccessible.queryAccessibleInterface(panel.text)
    assert interface.text(QAccessible.Text.Name) == "What just happened"
    assert interface.text(QAccessible.Text.Description) == narration


def test_a_scenario_started_from_the_menu_takes_the_clicker(qtbot, window):
    """Scenarios → a scenario, with the focus in the login form: Page Down is Next at once."""
    panel = window.walkthrough_panel
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is window.browser.userid_edit)
    window.findChild(QAction, "scenario_tutorial_action").trigger()
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)
    assert in_panel(panel), focused()
    press(Key.Key_PageDown)
    qtbot.waitUntil(lambda: panel.index == 1, timeout=STEP_TIMEOUT_MS)
