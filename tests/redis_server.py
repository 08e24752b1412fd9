"""A real redis-server for the tests: started on a free loopback port, stopped and restarted."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import redis
from helpers import poll_until

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_redis_server() -> str:
    """Return redis-server's path; skip when absent, except in CI, where that fails."""
    if REDIS_SERVER is None:
        reason = "redis-server is not installed (Debian: apt-get install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return REDIS_SERVER


class RedisServer:
    """One redis-server process, nothing saved to disk; ``stop`` and ``start`` keep the port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The server's URL, database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start serving and wait until it answers PING."""
        self.process = subprocess.Popen(
            [
                require_redis_server(),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start (port {self.port})")
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        try:
            poll_until(answers, 10, f"redis-server answering on port {self.port}")
        finally:
            client.close()

    def stop(self) -> None:
        """Stop the server (its data is gone)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def flush(self) -> None:
        """Delete every key."""
        client = redis.Redis(port=self.port)
        client.flushall()
        client.close()
