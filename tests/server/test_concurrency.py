"""Many clients and racing requests against the real threaded server."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask import session
from helpers import LOGIN, LOGOUT, SECURED, browser_login

from server import lab_state, snapshot

CLIENTS = 40
STORES = pytest.mark.parametrize(
    "app_config", [{"SESSION_STORE": "sqlite"}, {"SESSION_STORE": "memory"}], indirect=True
)


def http_session(cookie: str | None = None) -> requests.Session:
    """Return a ``requests`` session ignoring proxies, holding the session cookie ``cookie``."""
    http = requests.Session()
    http.trust_env = False
    if cookie is not None:
        http.cookies.set("sessionid", cookie, domain="127.0.0.1", path="/")
    return http


@STORES
def test_forty_concurrent_clients_each_see_only_their_own_name(app, live_server):
    barrier = threading.Barrier(CLIENTS, timeout=30)

    def visit(n: int):
        name = f"user-{n:02d}"
        with http_session() as http:
            barrier.wait()  # every client logs in at the same moment
            status = browser_login(http, live_server.url, name).status_code
            pages = [http.get(live_server.url + SECURED, timeout=30).text for _ in range(3)]
            welcomed = {w for page in pages for w in re.findall(r"Welcome USER: (.*?) !", page)}
            return name, status, welcomed, http.cookies["sessionid"]

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(visit, range(CLIENTS)))
    for name, status, welcomed, _ in results:
        assert (status, welcomed) == (302, {name})
    stored = {record.sid: record.data["userid"] for record in snapshot(app)}
    assert stored == {cookie: name for name, _, _, cookie in results}


@pytest.fixture
def bump_route(app):
    """Register a test-only route that counts hits in the session."""

    @app.get("/test/bump/")
    def bump():
        session["hits"] = session.get("hits", 0) + 1
        return str(session["hits"])


@STORES
def test_concurrent_requests_of_one_client_keep_its_session_intact(app, bump_route, live_server):
    url = live_server.url
    with http_session() as http:
        browser_login(http, url, "alice")
        cookie = http.cookies["sessionid"]

    def hit(n: int) -> list[int]:
        with http_session(cookie) as tab:
            paths = ("/test/bump/", SECURED, LOGIN, "/test/bump/")
            return [tab.get(url + path, timeout=30).status_code for path in paths]

    with ThreadPoolExecutor(20) as pool:
        statuses = [status for result in pool.map(hit, range(20)) for status in result]
    assert set(statuses) == {200}
    [record] = snapshot(app)
    assert record.sid == cookie
    assert record.data["userid"] == "alice"
    assert 1 <= record.data["hits"] <= 40  # concurrent writes: the last one wins, none corrupts
    with http_session(cookie) as tab:
        assert "Welcome USER: alice !" in tab.get(url + SECURED, timeout=30).text


@STORES
def test_a_request_finishing_after_a_concurrent_logout_does_not_revive_the_session(
    app, slow_route, live_server, events
):
    url = live_server.url
    with http_session() as alice:
        browser_login(alice, url, "alice")
        sid = alice.cookies["sessionid"]
        slow = {}
        request = threading.Thread(
            target=lambda: slow.update(response=alice.get(url + slow_route.path, timeout=30))
        )
        request.start()
        assert slow_route.entered.wait(10)
        with http_session(sid) as other_tab:
            assert "Successfully alice Logged out !" in other_tab.get(url + LOGOUT).text
        assert snapshot(app) == []
        slow_route.release.set()
        request.join(10)
        assert slow["response"].text == "slow done"
        assert snapshot(app) == []
        assert "You are not logged in" in alice.get(url + SECURED, timeout=30).text
    assert snapshot(app) == []
    assert [e.kind for e in events if e.sid == sid][-1] == "deleted"


@pytest.mark.parametrize("app_config", [{"SESSION_PURGE_INTERVAL": 0}], indirect=True)
def test_a_slow_purge_never_stalls_other_requests(app, live_server, monkeypatch):
    store = lab_state(app).store
    purging, release = threading.Event(), threading.Event()
    purge = store.purge_expired

    def slow_purge(now):
        purging.set()
        release.wait(10)
        return purge(now)

    monkeypatch.setattr(store, "purge_expired", slow_purge)
    url = live_server.url
    with http_session() as first, http_session() as second:
        purger = threading.Thread(target=lambda: first.get(url + "/", timeout=30))
        purger.start()
        assert purging.wait(10)
        for path in (SECURED, LOGIN, "/"):  # served while the purge is still running
            assert second.get(url + path, timeout=5).status_code == 200
        release.set()
        purger.join(10)
