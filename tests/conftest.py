"""Shared fixtures: a fresh app per test, its test client, a live server and a login helper."""

from __future__ import annotations

import pytest
from helpers import SessionActions

from server import close_app, create_app
from server.runner import EmbeddedServer


@pytest.fixture
def app_config(tmp_path):
    """The configuration the ``app`` fixture builds from; override it to change the store."""
    return {"DATA_DIR": tmp_path / "data", "SESSION_STORE": "sqlite"}


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
