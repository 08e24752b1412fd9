"""The Redis store in the window: offered when reachable, a red bar while away, a fallback."""

from __future__ import annotations

import threading

import pytest
from helpers import page_text, submit_login
from redis_server import free_port

from desktop.lab.embedded_lab import Lab


@pytest.fixture
def redis_lab(own_redis, tmp_path):
    """A running lab on its own Redis, which the test may stop and start."""
    lab = Lab(store="redis", data_dir=tmp_path / "data", extra_config={"REDIS_URL": own_redis.url})
    lab.start()
    yield lab
    lab.close()


@pytest.fixture
def redis_window(qtbot, redis_lab, settings):
    """The real window against ``redis_lab``."""
    from desktop.window.main_window import MainWindow

    window = MainWindow(redis_lab, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Type Anything for User / Password" in page_text(window))
    yield window
    window.close()


def test_redis_going_away_shows_503s_and_the_red_bar_until_it_returns(
    qtbot, redis_window, own_redis
):
    window = redis_window
    assert window.lab.state.store_name == "redis"
    submit_login(window, "alice", "pw")
    qtbot.waitUntil(lambda: "Welcome USER: alice !" in page_text(window))
    bar = window.controls.server_banner

    own_redis.stop()
    window.controller.open("/app_sessions/secured_page/")
    qtbot.waitUntil(lambda: "503" in page_text(window))
    qtbot.waitUntil(lambda: "The session store fails" in bar.text())
    assert "Start Redis again" in bar.text()

    own_redis.start()
    with qtbot.waitSignal(window.controller.page_loaded):
        window.controller.open("/app_sessions/login/")
    submit_login(window, "alice", "pw")
    qtbot.waitUntil(lambda: "Welcome USER: alice !" in page_text(window))
    qtbot.waitUntil(lambda: bar.text() == "")


def test_an_unreachable_redis_falls_back_to_sqlite_with_a_notice(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"
    lab = Lab(store="redis", data_dir=tmp_path / "data", extra_config={"REDIS_URL": url})
    try:
        assert lab.state.store_name == "sqlite"
        [notice] = lab.notices
        assert notice.startswith("The redis store could not start (cannot reach Redis at ")
        assert "sqlite store instead" in notice
        assert lab.rebuilt().state.store_name == "sqlite"
    finally:
        lab.close()


def test_opening_the_store_menu_never_waits_for_redis(qtbot, window, monkeypatch):
    release = threading.Event()
    asked_on = []

    def slow_ping(url, timeout=0.3):  # a host name that takes its time to resolve
        asked_on.append(threading.current_thread())
        release.wait(30)
        return False

    qtbot.waitUntil(lambda: window.menus.redis_probe._asking is None)  # the one asked at start
    monkeypatch.setattr("server.redis_store.reachable", slow_ping)
    window.menus.store_menu.aboutToShow.emit()
    qtbot.waitUntil(lambda: len(asked_on) == 1)
    assert threading.main_thread() not in asked_on  # the window went on meanwhile
    release.set()


def test_the_store_menu_lists_redis_only_when_one_answers(
    qtbot, settings, tmp_path, redis_url, monkeypatch
):
    from desktop.window.main_window import MainWindow

    lab = Lab(store="sqlite", data_dir=tmp_path / "data", extra_config={"REDIS_URL": redis_url})
    lab.start()
    window = MainWindow(lab, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Type Anything for User / Password" in page_text(window))
    action = window.menus.store_actions["redis"]
    qtbot.waitUntil(action.isVisible)  # asked at start, in the background
    with monkeypatch.context() as patch:
        patch.setitem(lab.app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
        window.menus.store_menu.aboutToShow.emit()
        assert action.isVisible()  # the last answer, until the new one comes
        qtbot.waitUntil(lambda: not action.isVisible())
    window.menus.store_menu.aboutToShow.emit()
    qtbot.waitUntil(action.isVisible)
    action.trigger()
    qtbot.waitUntil(lambda: window.lab.state.store_name == "redis")
    with qtbot.waitSignal(window.controller.page_loaded):  # a form from the new store
        window.controller.open("/app_sessions/login/")
    submit_login(window, "bob", "pw")
    qtbot.waitUntil(lambda: "Welcome USER: bob !" in page_text(window))
    assert [r.data["userid"] for r in window.lab.sessions()] == ["bob"]
    window.close()
