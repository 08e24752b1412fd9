"""The whole window from the keyboard: first focus, no traps, unique mnemonics, Ctrl+L, F1."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTabBar,
    QTextBrowser,
)

from desktop.ui.mnemonics import menu_mnemonics, mnemonic_of, with_mnemonic


def all_menus(window) -> list[QMenu]:
    menus, todo = [], [a.menu() for a in window.menuBar().actions()]
    while todo:
        menu = todo.pop()
        menus.append(menu)
        todo += [a.menu() for a in menu.actions() if a.menu() is not None]
    return menus


def test_the_first_focus_is_the_user_name(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.browser.userid_edit)


def test_no_view_traps_the_tab_key(qtbot, window):
    assert window.walkthrough_panel is not None  # built
    views = window.findChildren(QAbstractItemView)
    assert views and not [v.objectName() for v in views if v.tabKeyNavigation()]
    window.activateWindow()
    window.inspectors.cookie_table.setFocus()
    QTest.keyClick(window.inspectors.cookie_table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not window.inspectors.cookie_table


def test_every_menu_item_has_a_mnemonic_of_its_own(qtbot, window):
    assert window.walkthrough_panel is not None  # adds the Scenarios menu items
    bar = [mnemonic_of(a.text()) for a in window.menuBar().actions()]
    assert None not in bar and len(set(bar)) == len(bar)
    for menu in all_menus(window):
        window.menus._fill_steal_menu() if menu is window.menus.steal_menu else None
        keys = menu_mnemonics(menu)
        enabled = [k for k, a in zip(keys, menu.actions(), strict=False) if a.isEnabled()]
        assert None not in enabled, (menu.title(), [a.text() for a in menu.actions()])
        assert len(set(keys)) == len(keys), (menu.title(), keys)
    scenarios = [a.text() for a in window.menus.scenarios_menu.actions()]
    assert scenarios[1].startswith("&1.") and "&" in scenarios[10] and "&1" not in scenarios[10]


def test_with_mnemonic_picks_a_free_letter():
    taken: set[str] = set()
    assert [with_mnemonic(t, taken) for t in ("sqlite", "memory", "cookie", "Session")] == [
        "&sqlite",
        "&memory",
        "&cookie",
        "S&ession",
    ]


def test_ctrl_l_goes_to_the_address_bar(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.browser.userid_edit)
    QTest.keyClick(window.browser.userid_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.browser.address_edit
    assert window.browser.address_edit.selectedText() == window.browser.address_edit.text()


def test_f1_lists_the_keyboard_shortcuts(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.browser.userid_edit)
    QTest.keyClick(window.browser.userid_edit, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.menus.shortcuts_dialog is not None)
    text = window.menus.shortcuts_dialog.text.toPlainText()
    assert "Page Down" in text and "Ctrl+L" in text and "Page Up" in text
    assert window.findChild(QAction, "shortcuts_action").shortcut().toString() == "F1"
    window.menus.shortcuts_dialog.close()


def test_every_interactive_widget_and_table_has_an_accessible_name(qtbot, window):
    assert window.walkthrough_panel is not None
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTextBrowser, QTabBar)
    unnamed = []
    for kind in kinds:
        for widget in window.findChildren(kind):
            if widget.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(
                widget, QAbstractItemView
            ):
                continue
            if (
                "qt_" in widget.objectName()
                or isinstance(widget, QHeaderView)
                or widget.window() is not window
            ):
                continue  # Qt's own parts: headers, scroll buttons, a combo box's popup
            interface = QAccessible.queryAccessibleInterface(widget)
            if not interface.text(QAccessible.Text.Name).strip():
                unnamed.append((type(widget).__name__, widget.objectName()))
    assert unnamed == [], unnamed
    table = QAccessible.queryAccessibleInterface(window.inspectors.session_table)
    assert table.text(QAccessible.Text.Name) == "Session store"
    assert table.text(QAccessible.Text.Description) == "The server's sessions"


def test_tab_goes_round_the_whole_window_and_back(qtbot, window):
    panel = window.walkthrough_panel
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.browser.userid_edit)
    visited = []
    for _ in range(80):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
        if visited[-1] is window.browser.userid_edit:
            break
    assert visited[-1] is window.browser.userid_edit, [w.objectName() for w in visited]
    for needed in (
        window.browser.login_button,
        window.browser.page_view,
        panel.choice,
        window.inspectors.traffic_table,
        window.inspectors.traffic_detail,
    ):
        assert needed in visited, needed.objectName()


def test_f1_lists_the_class_view_s_keys_too(qtbot):
    # The class view answers to keys of its own (full screen on the projector and back).
    from PySide6.QtGui import QShortcut

    from desktop.inspectors.class_view import ClassView
    from desktop.window.shortcuts_help import SHORTCUTS

    view = ClassView()
    qtbot.addWidget(view)
    listed = " ".join(keys for keys, _ in SHORTCUTS)
    keys = [shortcut.key().toString() for shortcut in view.findChildren(QShortcut)]
    assert keys and all(key in listed for key in keys), keys
