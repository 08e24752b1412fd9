"""Fixtures for the desktop tests: Qt offscreen, a running lab (https too) and the real window."""

from __future__ import annotations

import os

import pytest
from helpers import page_text

# Before any QApplication exists: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def gc_on_the_gui_thread(qapp):
    """As the app does: garbage cycles holding Qt objects are collected on the GUI thread.

    Per test, so that the server tests (no Qt, no event loop) keep Python's own collector.
    """
    from desktop.app.gui_thread_gc import collect_on_gui_thread

    collector = collect_on_gui_thread(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory):
    """Keep QSettings (geometry, store, font size) out of the user's real configuration."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def settings(tmp_path):
    """A LabSettings over an INI file of this test's own."""
    from PySide6.QtCore import QSettings

    from desktop.window.settings import LabSettings

    return LabSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def lab(tmp_path):
    """A running lab (app and embedded server) with its own data directory."""
    from desktop.lab.embedded_lab import Lab

    lab = Lab(store="sqlite", data_dir=tmp_path / "data")
    lab.start()
    yield lab
    lab.close()


@pytest.fixture
def https_lab(tmp_path):
    """A running lab serving https too."""
    from desktop.lab.embedded_lab import Lab

    lab = Lab(store="sqlite", data_dir=tmp_path / "data", https=True)
    lab.start()
    yield lab
    lab.close()


@pytest.fixture
def window(qtbot, lab, settings):
    """The real window against ``lab``, once its start page has loaded."""
    from desktop.window.main_window import MainWindow

    window = MainWindow(lab, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Type Anything for User / Password" in page_text(window))
    yield window
    window.close()


@pytest.fixture
def make_cookie_row():
    """Return a factory of :class:`CookieRow`; keywords override defaults."""
    from desktop.browser.exchange import CookieRow

    def make(name: str = "sessionid", value: str = "3f9a0000", **fields) -> CookieRow:
        defaults = {
            "domain": "127.0.0.1",
            "path": "/",
            "expires": None,
            "http_only": True,
            "secure": False,
            "same_site": "Lax",
        }
        return CookieRow(name=name, value=value, **{**defaults, **fields})

    return make


@pytest.fixture
def make_exchange():
    """Return a factory of hand-built :class:`~desktop.browser.exchange.Exchange` hops.

    ``cookie`` becomes the request's ``Cookie`` header, each of ``set_cookies`` a
    ``Set-Cookie`` header and ``location`` a ``Location`` header; other keywords are fields.
    """
    from http import HTTPStatus

    from desktop.browser.exchange import Exchange

    def make(
        *,
        cookie: str | None = None,
        set_cookies: tuple[str, ...] = (),
        location: str | None = None,
        status: int = 200,
        path: str = "/app_sessions/login/",
        **fields,
    ) -> Exchange:
        request_headers = [("User-Agent", "SessionLab/test")]
        if cookie is not None:
            request_headers.append(("Cookie", cookie))
        response_headers = [("Content-Type", "text/html; charset=utf-8")]
        if location is not None:
            response_headers.append(("Location", location))
        response_headers += [("Set-Cookie", header) for header in set_cookies]
        defaults = {
            "number": 1,
            "method": "GET",
            "url": f"http://127.0.0.1:5000{path}",
            "request_headers": tuple(request_headers),
            "response_headers": tuple(response_headers),
            "request_body": "",
            "response_body": "",
            "jar_before": (),
            "jar_after": (),
        }
        if "reason" not in fields:
            defaults["reason"] = HTTPStatus(status).phrase.upper()
        return Exchange(path=path, status=status, **{**defaults, **fields})

    return make
