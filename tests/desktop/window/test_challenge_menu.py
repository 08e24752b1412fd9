"""The Challenges menu sits before Help, and its dock fits a projector at presenter zoom."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction


def test_the_challenges_menu_comes_before_help(window):
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles.index("Challen&ges") == titles.index("&Help") - 1


@pytest.fixture
def presenter_zoom(window):
    """Ctrl+plus three times; the application's font is put back afterwards (it is global)."""
    for _ in range(3):
        window.zoom.larger.trigger()
    yield
    window.zoom.reset.trigger()


def test_the_dock_fits_1366_by_768_with_presenter_zoom(qtbot, window, presenter_zoom):
    window.resize(1366, 768)
    window.findChild(QAction, "challenges_open_action").trigger()
    panel = window.challenge_menu.panel
    panel.start("forge")  # the longest panel: tools shown
    qtbot.waitUntil(lambda: panel.tools.isVisible())
    assert window.minimumSizeHint().width() <= 1366
    assert window.minimumSizeHint().height() <= 768
    assert panel.minimumSizeHint().width() <= 1366 // 3  # a third of the screen is enough
    panel.leave()


def test_export_my_progress_from_the_menu_saves_and_says_where(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "progress.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    window.findChild(QAction, "challenges_export_action").trigger()
    assert "Session Lab challenges" in target.read_text(encoding="utf-8")
    assert str(target) in window.status.message.full_text()
