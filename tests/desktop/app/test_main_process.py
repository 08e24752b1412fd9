"""``python main.py`` as a real process: no terminal, any directory, prompt and clean exit."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from helpers import loaded_by_import

MAIN = str(Path(__file__).resolve().parents[3] / "main.py")


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@pytest.fixture
def app_env(tmp_path):
    """An environment whose home, settings and logs live in ``tmp_path``, Qt offscreen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "QT_"))}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "share"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def close_standard_descriptors() -> None:
    """As under a desktop launcher with no terminal: Python then sets ``sys.std*`` to None."""
    for fd in (0, 1, 2):
        os.close(fd)


def fetch_when_up(
    url: str, process: subprocess.Popen, timeout: float = 30.0, verify: str | bool = True
) -> str:
    """GET ``url`` as soon as the app serves it; fail if the app exits first.

    ``verify``: the CA file an https URL is checked against (it may not be written yet).
    """
    deadline = time.monotonic() + timeout
    with requests.Session() as http:
        http.trust_env = False
        http.verify = verify
        while time.monotonic() < deadline:
            assert process.poll() is None, f"the app exited with {process.returncode}"
            # A missing CA file is an OSError, like a refused connection.
            with contextlib.suppress(OSError):
                return http.get(url, timeout=2).text
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
    raise AssertionError("the app never served its login page")


def test_starts_without_standard_streams_serves_and_quits_cleanly(tmp_path, app_env):
    port = free_port()
    elsewhere = tmp_path / "some" / "other" / "directory"
    elsewhere.mkdir(parents=True)
    data_dir = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, MAIN, "--port", str(port), "--data-dir", str(data_dir)],
        cwd=elsewhere,
        env=app_env,
        preexec_fn=close_standard_descriptors,
        stdin=None,
        stdout=None,
        stderr=None,
    )
    try:
        page = fetch_when_up(f"http://127.0.0.1:{port}/app_sessions/login/", process)
        assert "Type Anything for User / Password" in page
        process.send_signal(signal.SIGTERM)  # what a desktop session sends at log-out
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with pytest.raises(requests.ConnectionError), requests.Session() as http:
        http.trust_env = False
        http.get(f"http://127.0.0.1:{port}/", timeout=2)
    log = tmp_path / "state" / "session-lab" / "log" / "session-lab.log"
    assert f"serving http://127.0.0.1:{port}" in log.read_text()
    # Nothing was written into the database through a descriptor that stood for stderr.
    with contextlib.closing(sqlite3.connect(data_dir / "sessions.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # The window's own start page and this test's GET each opened a session.
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] >= 1


def run_main(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, MAIN, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,
    )


def test_version_and_help(app_env):
    version = run_main(["--version"], app_env)
    assert version.returncode == 0
    assert version.stdout.startswith("session-lab ")
    usage = run_main(["--help"], app_env)
    for option in ("--port", "--reset", "--store", "--data-dir", "--version"):
        assert option in usage.stdout


def test_main_loads_the_server_before_qt():
    # Once PySide6 is loaded, its import hook reads the source of every module imported after
    # it; loading Flask and the server first keeps that cost (some 35 ms) off start-up.
    assert loaded_by_import("main", "flask", "PySide6") == [True, False]


@pytest.mark.parametrize(
    "args",
    [["--port", "70000"], ["--store", "floppy"], ["--delay", "-1"], ["--https", "-4"]],
)
def test_bad_arguments_are_refused_with_a_usage_message(app_env, args):
    result = run_main(args, app_env)
    assert result.returncode == 2
    assert "usage: session-lab" in result.stderr


@pytest.mark.parametrize(("answer", "deleted"), [("y\n", True), ("n\n", False), ("", False)])
def test_reset_asks_then_clears_the_stored_data(tmp_path, app_env, answer, deleted):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name in ("sessions.sqlite3", "sessions.sqlite3-wal", "secret_key"):
        (data_dir / name).write_text("x")
    (data_dir / "unrelated.txt").write_text("keep me")
    result = run_main(["--reset", "--data-dir", str(data_dir)], app_env, input=answer)
    assert "Delete Session Lab's stored data?" in result.stdout
    assert result.returncode == (0 if deleted else 1)
    remaining = sorted(p.name for p in data_dir.iterdir())
    if deleted:
        assert remaining == ["unrelated.txt"]
    else:
        assert remaining == sorted(
            ["sessions.sqlite3", "sessions.sqlite3-wal", "secret_key", "unrelated.txt"]
        )


def test_https_starts_with_the_lab_on_the_port_asked(tmp_path, app_env):
    port, https_port = free_port(), free_port()
    data_dir = tmp_path / "data"
    args = ["--port", str(port), "--data-dir", str(data_dir), "--https", str(https_port)]
    process = subprocess.Popen([sys.executable, MAIN, *args], env=app_env)
    try:
        page = fetch_when_up(
            f"https://127.0.0.1:{https_port}/app_sessions/login/",
            process,
            verify=str(data_dir / "session-lab-ca.pem"),  # the lab's CA, and only it
        )
        assert "Type Anything for User / Password" in page
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
