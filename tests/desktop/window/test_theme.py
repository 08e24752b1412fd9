"""View → Theme: System, Light, Dark and High contrast; the choice is remembered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QAction, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from desktop.ui.colours import highlight_background, severity_colour

Role = QPalette.ColorRole
Element = QStyle.PrimitiveElement


@pytest.fixture
def themed(window):
    yield window
    window.theme.apply("system")


def contrast(first, second) -> float:
    def luminance(colour) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in colour.getRgbF()[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_view_menu_offers_four_themes(themed):
    names = [a.objectName() for a in themed.theme.menu.actions()]
    assert names == [
        "theme_system_action",
        "theme_light_action",
        "theme_dark_action",
        "theme_high_contrast_action",
    ]


@pytest.mark.parametrize("name", ["light", "dark", "high_contrast"])
def test_each_theme_is_readable(themed, name):
    themed.findChild(QAction, f"theme_{name}_action").trigger()
    palette = QApplication.palette()
    base, text = palette.color(Role.Base), palette.color(Role.Text)
    assert contrast(text, base) >= 7
    assert contrast(palette.color(Role.Link), base) >= 4.5  # no dark blue links on black
    assert contrast(text, highlight_background()) >= 4.5  # the Cookie / Set-Cookie lines
    assert themed.settings.theme == name


def test_the_theme_follows_into_the_next_launch(qtbot, themed, lab, settings):
    from desktop.window.main_window import MainWindow

    themed.theme.apply("dark")
    again = MainWindow(lab, settings)
    qtbot.addWidget(again)
    assert again.theme.name == "dark" and again.theme.actions["dark"].isChecked()
    again.controls.close()


def test_high_contrast_outlines_text_fields(qtbot, themed):
    from desktop.window.theme import OutlinedStyle

    themed.theme.apply("high_contrast")
    assert isinstance(QApplication.style(), OutlinedStyle)
    field = themed.browser.userid_edit
    image = field.grab().toImage()
    edge = [image.pixelColor(x, image.height() // 2) for x in range(4)]  # the left edge
    window_colour = QApplication.palette().color(Role.Window)
    assert max(contrast(pixel, window_colour) for pixel in edge) >= 7
    themed.theme.apply("dark")
    assert not QApplication.style().fields  # dark fields keep Fusion's own frame
    themed.theme.apply("system")
    assert not isinstance(QApplication.style(), OutlinedStyle)


@pytest.mark.parametrize("name", ["light", "dark", "high_contrast"])
def test_unticked_boxes_and_menu_switches_show_on_the_themes_background(themed, name):
    # The Server menu's switches: Fusion framed their boxes a shade darker than a dark window.
    from PySide6.QtWidgets import QStyleOptionButton, QStyleOptionMenuItem

    themed.theme.apply(name)
    style, palette = QApplication.style(), QApplication.palette()
    box = QStyleOptionButton()
    box.state = QStyle.StateFlag.State_Off | QStyle.StateFlag.State_Enabled
    box.rect, box.palette = QRect(2, 2, 16, 16), palette
    image = painted(lambda painter: style.drawPrimitive(Element.PE_IndicatorCheckBox, box, painter))
    assert drawn_contrast(image, palette.color(Role.Window)) >= 3  # WCAG's for controls
    item = QStyleOptionMenuItem()
    item.menuItemType = QStyleOptionMenuItem.MenuItemType.Normal
    item.checkType = QStyleOptionMenuItem.CheckType.NonExclusive
    item.checked, item.text, item.palette = False, "", palette
    item.state = QStyle.StateFlag.State_Enabled
    item.rect, item.maxIconWidth = QRect(0, 0, 20, 20), 0
    image = painted(
        lambda painter: style.drawControl(QStyle.ControlElement.CE_MenuItem, item, painter)
    )
    assert drawn_contrast(image, palette.color(Role.Window)) >= 3


def painted(draw) -> QImage:
    """Return what ``draw(painter)`` paints on a 20×20 image of the theme's window colour."""
    image = QImage(20, 20, QImage.Format.Format_RGB32)
    image.fill(QApplication.palette().color(Role.Window))
    painter = QPainter(image)
    draw(painter)
    painter.end()
    return image


def drawn_contrast(image, background) -> float:
    """The highest contrast of any pixel of ``image`` against ``background``."""
    return max(
        contrast(image.pixelColor(x, y), background)
        for x in range(image.width())
        for y in range(image.height())
    )


def test_a_dark_desktops_dark_blue_links_are_made_readable(themed, monkeypatch):
    from PySide6.QtGui import QColor

    from desktop.window.theme import ThemeChooser

    desktop = QPalette(QColor("#202020"))
    for role, colour in ((Role.Base, "#101010"), (Role.Text, "#eeeeee"), (Role.Link, "#0000aa")):
        desktop.setColor(role, QColor(colour))
    monkeypatch.setattr(ThemeChooser, "_system", (QApplication.style().name(), desktop))
    themed.theme.apply("system")
    palette = QApplication.palette()
    assert contrast(palette.color(Role.Link), palette.color(Role.Base)) >= 4.5


def link_colours(view) -> set[str]:
    """The colours the page on screen draws its links in."""
    colours = set()
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref():  # a link, not a named anchor
                colours.add(fragment.charFormat().foreground().color().name())
            it += 1
        block = block.next()
    return colours


def test_the_page_s_links_change_colour_with_the_theme(qtbot, themed):
    """A page already on screen when the teacher turns the dark theme on: its links follow."""
    view = themed.browser.page_view
    qtbot.waitUntil(lambda: "Type Anything" in view.toPlainText())
    themed.controller.open("/app_sessions/secured_page/")
    qtbot.waitUntil(lambda: "not logged in" in view.toPlainText(), timeout=10_000)
    assert link_colours(view)  # "Log in first"
    themed.theme.apply("dark")
    palette = QApplication.palette()
    link = palette.color(Role.Link).name()
    assert link_colours(view) == {link}
    assert contrast(palette.color(Role.Link), palette.color(Role.Base)) >= 4.5


def test_a_status_message_takes_the_new_theme_s_colour_for_its_severity(qtbot, themed):
    status = themed.status
    status.show_message("Cookie rejected.", "warning")
    light = status.message.palette().color(QPalette.ColorRole.WindowText)
    themed.theme.apply("dark")  # it reaches the widgets once the event loop runs
    qtbot.waitUntil(lambda: status.message.palette().color(QPalette.ColorRole.Window).value() < 80)
    dark = status.message.palette().color(QPalette.ColorRole.WindowText)
    assert dark != light and dark.lightness() > 128  # legible on the dark window
    status.show_message("Saved.", "info")
    text = status.message.palette().color(QPalette.ColorRole.WindowText)
    assert text == themed.palette().color(QPalette.ColorRole.WindowText)


def test_a_page_that_could_not_load_says_so_in_the_new_theme_s_colour(qtbot, themed):
    themed.theme.apply("light")
    themed.browser.show_error("Connection refused")
    light = severity_colour("error").name()
    assert light in themed.browser.page_view.toHtml()
    themed.theme.apply("dark")
    dark = severity_colour("error").name()
    assert dark != light
    qtbot.waitUntil(lambda: dark in themed.browser.page_view.toHtml())  # legible on dark
    assert "Connection refused" in themed.browser.page_view.toPlainText()
    assert light not in themed.browser.page_view.toHtml()


def colour_of(view, text: str):
    """Return the colour the page view draws ``text`` in."""
    block = view.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if text in fragment.text():
                return fragment.charFormat().foreground().color()
            fragments += 1
        block = block.next()
    raise AssertionError(f"{text!r} is not on the page")


@pytest.mark.parametrize("name", ["light", "dark", "high_contrast"])
def test_the_servers_grey_notes_and_red_errors_stay_readable(qtbot, themed, name):
    # The server's pages colour them for a white page; the page view draws on the theme's.
    from helpers import page_text, submit_login

    themed.theme.apply(name)
    view, base = themed.browser.page_view, QApplication.palette().color(Role.Base)
    themed.current_browser.controller.secured_page()
    qtbot.waitUntil(lambda: "first." in page_text(themed))
    assert contrast(colour_of(view, "first."), base) >= 4.5
    submit_login(themed, "", "pw")  # no user name: the server lists the error
    qtbot.waitUntil(lambda: "Enter a user name." in page_text(themed))
    assert colour_of(view, "Enter a user name.") == severity_colour("error")
    assert contrast(colour_of(view, "Enter a user name."), base) >= 4.5
