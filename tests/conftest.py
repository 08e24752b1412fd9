"""Shared fixtures: a fresh app per test, its clients and visitors, a live server, a fake clock."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest
from flask import session
from helpers import SessionActions
from visitors import ClientTransport, HttpTransport

import server.session_interface
from server import close_app, create_app
from server.events import ALL_SIGNALS
from server.runner import EmbeddedServer


@pytest.fixture
def app_config(request, tmp_path):
    """The configuration the ``app`` fixture builds from; override it to change the store.

    Parametrize it indirectly with a mapping to change a few keys for one test.
    """
    config = {"DATA_DIR": tmp_path / "data", "SESSION_STORE": "sqlite"}
    config.update(getattr(request, "param", {}))
    return config


@pytest.fixture
def app(app_config):
    """A fresh session server app with its own data directory."""
    app = create_app(app_config)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    """Flask's test client for ``app``."""
    return app.test_client()


@pytest.fixture
def actions(client):
    """A :class:`SessionActions` helper over ``client``."""
    return SessionActions(client)


@pytest.fixture
def live_server(app):
    """``app`` served for real on a free loopback port; yields the running EmbeddedServer."""
    server = EmbeddedServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["test_client", "live_server"])
def new_visitor(request, app):
    """Return a factory of fresh visitors (SessionActions) over the test client or real HTTP."""
    if request.param == "live_server":
        url = request.getfixturevalue("live_server").url
        transports = []

        def make():
            transports.append(HttpTransport(url))
            return SessionActions(transports[-1])

        yield make
        for transport in transports:
            transport.close()
    else:
        yield lambda: SessionActions(ClientTransport(app))


@pytest.fixture
def visitor(new_visitor):
    """One visitor with an empty cookie jar, over the transport ``new_visitor`` uses."""
    return new_visitor()


class FakeClock:
    """Stands in for the ``time`` module of ``server.session_interface``; moves only when told."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        """Return the fake current time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """A :class:`FakeClock` the session interface reads instead of the real time."""
    # A whole second keeps every step exact, even through the SQLite store's microseconds.
    fake = FakeClock(float(int(time.time())))
    monkeypatch.setattr(server.session_interface, "time", fake)
    return fake


@pytest.fixture
def events(app):
    """The list of every session event ``app`` publishes during the test, in order."""
    seen = []

    def record(sender, event):
        seen.append(event)

    for signal in ALL_SIGNALS.values():
        signal.connect(record, sender=app, weak=False)
    yield seen
    for signal in ALL_SIGNALS.values():
        signal.disconnect(record, sender=app)


class SlowRoute:
    """A test-only route that touches the session, then waits until the test releases it."""

    path = "/test/slow/"

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()


@pytest.fixture
def slow_route(app):
    """Register a :class:`SlowRoute` on ``app`` (before any request); release it at teardown."""
    route = SlowRoute()

    @app.get(route.path)
    def slow():
        session["slow"] = session.get("slow", 0) + 1
        route.entered.set()
        route.release.wait(10)
        return "slow done"

    yield route
    route.release.set()


@pytest.fixture
def read_only_dir(tmp_path):
    """A directory nobody can write to: a read-only mount as root, else mode 0555."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
        if mounted.returncode != 0:
            pytest.skip(f"root cannot mount a read-only tmpfs here: {mounted.stderr.decode()}")
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
        return
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


@pytest.fixture(scope="session")
def shared_redis(tmp_path_factory):
    """One redis-server for the whole run (skipped without one, except in CI)."""
    from redis_server import RedisServer  # redis-py loads only for the tests that need it

    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(shared_redis):
    """The URL of an empty Redis (the shared server, flushed for this test)."""
    shared_redis.flush()
    return shared_redis.url


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own, to stop and start again."""
    from redis_server import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
