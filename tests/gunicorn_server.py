"""gunicorn as a real process for the tests: ``gunicorn -w N "server:create_app()"``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from helpers import poll_until
from redis_server import free_port

PROJECT = Path(__file__).resolve().parents[1]


class GunicornServer:
    """gunicorn serving Session Lab with ``workers`` processes, configured by ``env`` only."""

    def __init__(self, workers: int, env: dict[str, str], log_path: Path) -> None:
        if sys.platform == "win32":
            pytest.skip("gunicorn does not run on Windows (waitress serves one process there)")
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def log(self) -> str:
        """What gunicorn and the app wrote to stderr so far."""
        return self.log_path.read_text() if self.log_path.exists() else ""

    def start(self, ready: int = 200) -> None:
        """Start gunicorn and wait until a worker answers the login page with ``ready``.

        ``ready=503``: the store is down, and gunicorn is up all the same.
        """
        self._log_file = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--workers", str(self.workers),
                "--bind", f"127.0.0.1:{self.port}",
                "--graceful-timeout", "5",
                "server:create_app()",
            ],
            cwd=PROJECT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log_file,
        )  # fmt: skip
        with requests.Session() as http:
            http.trust_env = False

            def answers() -> bool:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {self.log[-2000:]}")
                try:
                    page = http.get(self.url + "/app_sessions/login/", timeout=2)
                except requests.RequestException:  # not listening yet, or a worker booting
                    return False
                return page.status_code == ready

            try:
                poll_until(answers, 30, "gunicorn answering", every=0.1)
            except (AssertionError, RuntimeError):
                self.stop()
                raise

    def worker_pids(self) -> set[int]:
        """Return the process ids of gunicorn's workers (Linux: read from /proc)."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.add(int(stat.parent.name))
        return pids

    def stop(self) -> int | None:
        """Stop gunicorn (SIGTERM, as a supervisor does); return its exit code."""
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._log_file.close()
        self.process = None
        return code
