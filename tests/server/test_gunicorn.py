"""Several server processes: gunicorn with 4 workers sharing one store, under load."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from gunicorn_server import GunicornServer
from helpers import LOGIN, LOGOUT, SECURED, browser_login, csrf_token, poll_until

from server.watch_target import open_feed

CLIENTS = 100
CYCLES = 20
_WELCOME = re.compile(r"Welcome USER: (.*?) !")


@pytest.fixture(params=["redis", "sqlite"])
def gunicorn(request, tmp_path):
    """gunicorn -w 4 "server:create_app()", configured by environment variables only."""
    env = {"SESSION_LAB_STORE": request.param, "SESSION_LAB_DATA_DIR": str(tmp_path / "data")}
    if request.param == "redis":
        env["SESSION_LAB_REDIS_URL"] = request.getfixturevalue("redis_url")
    server = GunicornServer(4, env, tmp_path / "gunicorn.log")
    server.start()
    yield server
    assert server.stop() == 0, server.log


def cycle(http: requests.Session, url: str, name: str) -> list[str]:
    """Log in as ``name``, read the secured page, log out; return what went wrong."""
    problems = []
    login = browser_login(http, url, name)
    if login.status_code != 302:
        return [f"{name}: login answered {login.status_code}"]
    page = http.get(url + SECURED, timeout=30)
    seen = _WELCOME.findall(page.text)
    if seen != [name]:
        problems.append(f"{name}: the secured page ({page.status_code}) welcomed {seen}")
    logout = http.get(url + LOGOUT, timeout=30)
    if logout.status_code != 200 or f"{name} Logged out" not in logout.text:
        problems.append(f"{name}: logout answered {logout.status_code}")
    after = http.get(url + SECURED, timeout=30)
    if "You are not logged in" not in after.text:
        problems.append(f"{name}: still logged in after logout")
    return problems


def client(url: str, n: int) -> list[str]:
    """Run CYCLES cycles as one browser; return every problem seen (errors and cross-talk)."""
    problems = []
    with requests.Session() as http:
        http.trust_env = False
        for c in range(CYCLES):
            try:
                problems += cycle(http, url, f"user-{n:03d}-{c:02d}")
            except requests.RequestException as error:
                problems.append(f"user-{n:03d}-{c:02d}: {error}")
    return problems


def test_hundred_clients_twenty_cycles_four_workers_no_errors_no_cross_talk(gunicorn):
    assert len(gunicorn.worker_pids()) == 4
    with ThreadPoolExecutor(CLIENTS) as pool:
        problems = [p for found in pool.map(client, [gunicorn.url] * CLIENTS, range(CLIENTS))
                    for p in found]  # fmt: skip
    assert problems == []
    assert "Traceback" not in gunicorn.log


def test_a_login_on_one_worker_is_known_to_all(gunicorn):
    with requests.Session() as http:
        http.trust_env = False
        assert browser_login(http, gunicorn.url, "alice").status_code == 302
        # Fresh connections: gunicorn's sync workers take them in turn from one socket.
        pages = []
        for _ in range(12):
            http.close()
            pages.append(http.get(gunicorn.url + SECURED, timeout=30).text)
    assert all("Welcome USER: alice !" in page for page in pages)


def _watch(gunicorn):
    """A feed on gunicorn's store, opened as File → Watch a server… does (URL or data dir)."""
    env = gunicorn.env
    return open_feed(env.get("SESSION_LAB_REDIS_URL") or env["SESSION_LAB_DATA_DIR"])


def _collect(feed, until, timeout: float = 30.0) -> list:
    events: list = []
    deadline = time.monotonic() + timeout
    while not until(events):
        assert time.monotonic() < deadline, f"only saw {[(e.kind, e.sid) for e in events]}"
        events += feed.changes(0.3)
    return events


def _seen(events, kind, sid, old_sid=None) -> bool:
    return any(e.kind == kind and e.sid == sid and e.old_sid == old_sid for e in events)


def _wait_for(feed, kind, sid, old_sid=None):
    """Read the feed until it tells this change; return that event."""
    events = _collect(feed, lambda seen: _seen(seen, kind, sid, old_sid))
    return next(e for e in events if (e.kind, e.sid, e.old_sid) == (kind, sid, old_sid))


def test_a_watcher_sees_each_step_of_every_login_whichever_worker_served_it(gunicorn):
    feed = _watch(gunicorn)
    before = feed.snapshot()  # the login forms gunicorn's start-up check loaded
    assert all("userid" not in r.data for r in before)
    for n in range(8):
        name = f"student-{n}"
        with requests.Session() as http:
            http.trust_env = False
            form = http.get(gunicorn.url + LOGIN, timeout=30)
            anonymous = http.cookies["sessionid"]
            _wait_for(feed, "created", anonymous)
            data = {"csrf_token": csrf_token(form.text), "userid": name, "passwd": "pw"}
            http.post(gunicorn.url + LOGIN, data=data, allow_redirects=False, timeout=30)
            sid = http.cookies["sessionid"]
            # The SQLite feed knows a rotation by the row it kept; Redis servers say so.
            rotated = _wait_for(feed, "rotated", sid, anonymous)
            assert rotated.record.data["userid"] == name
            http.get(gunicorn.url + LOGOUT, timeout=30)
            _wait_for(feed, "deleted", sid)
    assert feed.snapshot() == before
    feed.close()


@pytest.mark.parametrize("gunicorn", ["redis"], indirect=True)  # SQLite servers publish nothing
def test_every_workers_events_reach_one_redis_watcher(gunicorn):
    feed = _watch(gunicorn)
    feed.snapshot()
    # Eight browsers at once: four sync workers must all serve some of their requests.
    with ThreadPoolExecutor(8) as pool:
        sids = [sid for found in pool.map(_logins, [gunicorn.url] * 8, range(8)) for sid in found]
    events = _collect(feed, lambda seen: all(_seen(seen, "deleted", sid) for sid in sids))
    for sid in sids:  # each login, in order: the form's session, its rotation, the logout
        mine = [e for e in events if sid in (e.sid, e.old_sid)]
        assert [e.kind for e in mine] == ["rotated", "deleted"]
        assert _seen(events, "created", mine[0].old_sid)
    origins = {int(event.origin.rsplit(":", 1)[1]) for event in events}
    assert len(origins) >= 2
    assert origins <= gunicorn.worker_pids()
    feed.close()


def _logins(url: str, n: int) -> list[str]:
    sids = []
    with requests.Session() as http:
        http.trust_env = False
        for c in range(5):
            assert browser_login(http, url, f"user-{n}-{c}").status_code == 302
            sids.append(http.cookies["sessionid"])
            assert http.get(url + LOGOUT, timeout=30).status_code == 200
    return sids


def _secured(http: requests.Session, url: str) -> requests.Response:
    http.close()  # a fresh connection: the next free worker takes it
    return http.get(url + SECURED, timeout=30)


def _until_every_worker_served(server: GunicornServer, feed) -> None:
    """Log in until each worker has published an event: all four have loaded the app.

    gunicorn answers once one worker is up; a worker still booting when Redis stops cannot
    start (create_app needs Redis), and a worker that fails to boot stops gunicorn.
    """
    feed.snapshot()
    workers = server.worker_pids()
    served: set[int] = set()
    deadline = time.monotonic() + 60
    while served != workers:
        assert time.monotonic() < deadline, f"only workers {served} of {workers} answered"
        with ThreadPoolExecutor(8) as pool:
            assert [p for found in pool.map(_one_cycle, [server.url] * 8) for p in found] == []
        served |= {int(e.origin.rsplit(":", 1)[1]) for e in feed.changes(0.5)}
    feed.close()


def _secured_as(sid: str, url: str) -> requests.Response:
    with requests.Session() as http:  # one per thread: a requests.Session is not thread-safe
        http.trust_env = False
        http.cookies.set("sessionid", sid)
        return http.get(url + SECURED, timeout=30)


def test_redis_stopped_mid_run_gives_503s_from_the_workers_and_they_all_recover(
    own_redis, tmp_path
):
    env = {
        "SESSION_LAB_STORE": "redis",
        "SESSION_LAB_REDIS_URL": own_redis.url,
        "SESSION_LAB_DATA_DIR": str(tmp_path / "data"),
    }
    server = GunicornServer(4, env, tmp_path / "gunicorn.log")
    server.start()
    try:
        _redis_stops_and_starts(server, own_redis)
    finally:
        code = server.stop()
    assert "Traceback" not in server.log
    assert code == 0, server.log


def _redis_stops_and_starts(server: GunicornServer, own_redis) -> None:
    _until_every_worker_served(server, _watch(server))
    alice = requests.Session()
    alice.trust_env = False
    assert browser_login(alice, server.url, "alice").status_code == 302
    assert "Welcome USER: alice !" in _secured(alice, server.url).text

    own_redis.stop()
    # Eight at once, so that every sync worker answers some: each says so, once.
    cookie = alice.cookies["sessionid"]
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: _secured_as(cookie, server.url), range(32)))
    assert {page.status_code for page in pages} == {503}
    assert all("session store" in page.text.lower() for page in pages)
    failed = server.log.count("the session store fails")
    assert failed >= 2, failed  # several workers found Redis gone, each said it once

    own_redis.start()  # empty: alice's session went with the old one
    assert "You are not logged in" in _secured(alice, server.url).text
    deadline = time.monotonic() + 60
    while server.log.count("the session store works again") < failed:
        assert time.monotonic() < deadline, server.log[-2000:]
        with ThreadPoolExecutor(8) as pool:
            problems = [p for found in pool.map(_one_cycle, [server.url] * 8) for p in found]
        assert problems == []  # every request after the restart succeeds, on any worker
    alice.close()


def test_workers_booting_while_redis_is_down_serve_503s_then_logins_once_it_answers(
    own_redis, tmp_path
):
    own_redis.stop()
    env = {
        "SESSION_LAB_STORE": "redis",
        "SESSION_LAB_REDIS_URL": own_redis.url,
        "SESSION_LAB_DATA_DIR": str(tmp_path / "data"),
    }
    server = GunicornServer(4, env, tmp_path / "gunicorn.log")
    server.start(ready=503)  # gunicorn stays up: no worker fails to boot
    try:

        def every_worker_failed() -> bool:  # one line from each worker, gunicorn still up
            assert server.process.poll() is None, server.log
            return server.log.count("the session store fails") >= 4

        poll_until(every_worker_failed, 60, "each worker said the store fails", every=0.1)
        assert len(server.worker_pids()) == 4
        with ThreadPoolExecutor(8) as pool:
            pages = list(pool.map(lambda _: _login_form(server.url), range(16)))
        assert {page.status_code for page in pages} == {503}
        assert all("session store" in page.text.lower() for page in pages)

        own_redis.start()
        deadline = time.monotonic() + 60
        while server.log.count("the session store works again") < 4:  # every worker serves
            assert time.monotonic() < deadline, server.log[-2000:]
            with ThreadPoolExecutor(8) as pool:
                problems = [p for found in pool.map(_one_cycle, [server.url] * 8) for p in found]
            assert problems == []  # full login cycles, on any worker
    finally:
        code = server.stop()
    assert server.log.count("the session store fails") == 4  # once each, not per request
    assert "Traceback" not in server.log and "Worker failed to boot" not in server.log
    assert code == 0, server.log


def _login_form(url: str) -> requests.Response:
    with requests.Session() as http:
        http.trust_env = False
        return http.get(url + LOGIN, timeout=30)


def _one_cycle(url: str) -> list[str]:
    with requests.Session() as http:
        http.trust_env = False
        return cycle(http, url, "bob")
