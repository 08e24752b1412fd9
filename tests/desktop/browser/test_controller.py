"""The controller runs one browser's actions in order on a worker and reports by signals."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from helpers import LOGIN, SECURED

from desktop.browser.controller import BrowserController

TIMEOUT_MS = 10_000


@pytest.fixture
def controller(qapp, live_server):
    """A controller for ``live_server``, shut down at the end."""
    controller = BrowserController(live_server.url)
    yield controller
    controller.shutdown()


@pytest.fixture
def requests_made(controller, monkeypatch):
    """Every request the controller's client sends: (thread id, method, path), in order."""
    calls = []
    send = controller.client.http.send

    def recording(prepared, **kwargs):
        calls.append((threading.get_ident(), prepared.method, urlsplit(prepared.url).path))
        return send(prepared, **kwargs)

    monkeypatch.setattr(controller.client.http, "send", recording)
    return calls


def collect(signal) -> list:
    """Return a list that fills with each emission's argument."""
    seen = []
    signal.connect(seen.append)
    return seen


def idle(busy: bool) -> bool:
    return not busy


def test_actions_run_in_order_on_one_worker(qtbot, controller, requests_made):
    pages, hops, busy = (
        collect(s)
        for s in (controller.page_loaded, controller.exchange_finished, controller.busy_changed)
    )
    with qtbot.waitSignal(controller.busy_changed, check_params_cb=idle, timeout=TIMEOUT_MS):
        controller.open(LOGIN)
        controller.login("alice", "pw")
        controller.secured_page()
        assert controller.busy
    assert busy == [True, False] and not controller.busy
    assert [urlsplit(page.url).path for page in pages] == [LOGIN, SECURED, SECURED]
    # The form on screen (opened first) is the one submitted: no second GET.
    assert [e.method for e in pages[1].exchanges] == ["POST", "GET"]
    assert "Welcome USER: alice !" in pages[2].html
    assert [hop.number for hop in hops] == [1, 2, 3, 4]
    assert [hop for page in pages for hop in page.exchanges] == hops
    assert [(method, path) for _, method, path in requests_made] == [
        ("GET", LOGIN),
        ("POST", LOGIN),
        ("GET", SECURED),
        ("GET", SECURED),
    ]
    workers = {thread for thread, _, _ in requests_made}
    assert len(workers) == 1 and threading.get_ident() not in workers


def test_an_invalid_login_is_a_page_not_a_failure(qtbot, controller):
    failures = collect(controller.request_failed)
    with qtbot.waitSignal(controller.page_loaded, timeout=TIMEOUT_MS) as loaded:
        controller.login("", "pw")
    page = loaded.args[0]
    assert page.status == 400 and page.info.errors == {"userid": ["Enter a user name."]}
    assert failures == []


def test_a_stopped_server_fails_in_words(qtbot, controller, live_server):
    live_server.stop()
    pages, busy = collect(controller.page_loaded), collect(controller.busy_changed)
    with qtbot.waitSignal(controller.request_failed, timeout=TIMEOUT_MS) as failed:
        controller.open(LOGIN)
    assert failed.args[0].startswith("Could not reach the session server")
    qtbot.waitUntil(lambda: busy == [True, False])
    assert pages == []


def test_a_foreign_url_fails_without_a_request(qtbot, controller, requests_made):
    with qtbot.waitSignal(controller.request_failed, timeout=TIMEOUT_MS) as failed:
        controller.open("http://example.invalid/")
    assert "only visits its own server" in failed.args[0]
    assert requests_made == []


def test_shutdown_after_work_returns_true(qtbot, controller):
    with qtbot.waitSignal(controller.page_loaded, timeout=TIMEOUT_MS):
        controller.secured_page()
    assert controller.shutdown() is True


def test_shutdown_waits_for_the_running_action_and_drops_queued_ones(
    qtbot, controller, slow_route, requests_made
):
    pages = collect(controller.page_loaded)
    controller.open(slow_route.path)
    qtbot.waitUntil(slow_route.entered.is_set, timeout=TIMEOUT_MS)
    controller.secured_page()  # queued behind the slow one
    assert controller.shutdown(timeout_ms=50) is False  # the slow request is still running
    slow_route.release.set()
    qtbot.waitUntil(lambda: len(pages) == 1, timeout=TIMEOUT_MS)
    assert pages[0].html == "slow done"
    assert controller.shutdown() is True
    assert [path for _, _, path in requests_made] == [slow_route.path]
