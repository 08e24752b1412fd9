"""Fixtures for the lab's server side: a busy port, an HTTP client that ignores proxies."""

from __future__ import annotations

import socket

import pytest
import requests


@pytest.fixture
def busy_port():
    """A loopback port some other program is listening on."""
    with socket.create_server(("127.0.0.1", 0)) as holder:
        yield holder.getsockname()[1]


@pytest.fixture
def http():
    """A ``requests`` session that ignores proxy settings; closed afterwards."""
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()
