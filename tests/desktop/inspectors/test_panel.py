"""The inspector panel: one inspector at a time when compact, colours readable in any theme."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop.inspectors.panel import InspectorPanel, cookie_line_style
from desktop.ui.colours import accent_background, highlight_background, severity_colour

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
