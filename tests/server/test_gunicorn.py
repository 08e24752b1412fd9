"""Several server processes: gunicorn with 4 workers sharing one store, under load."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from gunicorn_server import GunicornServer
from helpers import LOGIN, LOGOUT, SECURED, browser_login, csrf_token

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
