"""Several server processes: gunicorn with 4 workers sharing one store, under load."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from gunicorn_server import GunicornServer
from helpers import LOGOUT, SECURED, browser_login

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
