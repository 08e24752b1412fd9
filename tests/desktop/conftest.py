"""Fixtures for the desktop tests: Qt offscreen, a running lab and the real window."""

from __future__ import annotations

import os

import pytest
from helpers import page_text

# Before any QApplication exists: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def lab(tmp_path):
    """A running lab (app and embedded server) with its own data directory."""
    from desktop.lab import Lab

    lab = Lab(store="sqlite", data_dir=tmp_path / "data")
    lab.start()
    yield lab
    lab.close()


@pytest.fixture
def window(qtbot, lab):
    """The real window against ``lab``, once its start page has loaded."""
    from desktop.main_window import MainWindow

    window = MainWindow(lab)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Type Anything for User / Password" in page_text(window))
    yield window
    window.close()

