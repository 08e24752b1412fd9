"""``python -m server``: its options, the loopback warning, and a real run stopped by SIGTERM."""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from helpers import LOGIN

import server.__main__
from server import close_app
from server.__main__ import build_parser, is_loopback, main

PROJECT = Path(__file__).resolve().parents[2]
URL_LINE = re.compile(r"Session Lab server on (http://127\.0\.0\.1:\d+)/app_sessions/login/")


@pytest.fixture
def busy_port():
    """A loopback port some other socket already listens on."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        yield taken.getsockname()[1]


def test_parser_defaults_match_the_issue():
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.store) == ("127.0.0.1", 8000, "sqlite")
    assert args.data_dir is None
    assert args.session_lifetime == 30 * 60


def test_parser_reads_every_option(tmp_path):
    argv = ["--host", "0.0.0.0", "--port", "0", "--store", "cookie", "--data-dir", str(tmp_path)]
    args = build_parser().parse_args([*argv, "--session-lifetime", "60"])
    assert (args.host, args.port, args.store) == ("0.0.0.0", 0, "cookie")
    assert (args.data_dir, args.session_lifetime) == (tmp_path, 60)


@pytest.mark.parametrize(
    "argv",
    [
        ["--store", "mongodb"],
        ["--port", "eighty"],
        ["--port", "70000"],
        ["--port", "-1"],
        ["--session-lifetime", "0"],
        ["--session-lifetime", "-5"],
    ],
)
def test_bad_options_exit_with_usage(argv, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--data-dir", str(tmp_path)])
    assert exited.value.code == 2
    assert "usage: python -m server" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_non_loopback_host_prints_a_warning(tmp_path, capsys):
    # 192.0.2.1 (TEST-NET-1) is never this machine's: the warning is printed, nothing listens.
    code = main(["--host", "192.0.2.1", "--port", "0", "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert "WARNING: listening on 192.0.2.1 lets other machines reach" in err
    assert code == 1


def test_busy_port_is_a_clear_error_without_a_warning(tmp_path, busy_port, capsys, monkeypatch):
    closed = []
    monkeypatch.setattr(server.__main__, "close_app", lambda app: closed.append(close_app(app)))
    code = main(["--port", str(busy_port), "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert len(closed) == 1  # the database is released even though serving never began
    assert f"error: cannot listen on 127.0.0.1:{busy_port}" in err
    assert "WARNING" not in err
    assert "Traceback" not in err


def read_line(stream, timeout: float) -> str:
    """Return the next line of a pipe, failing the test if none comes within ``timeout``."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        assert selector.select(timeout), "the server printed nothing"
    return stream.readline()


def test_runs_prints_its_url_and_exits_0_on_sigterm(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    command = [sys.executable, "-m", "server", "--port", "0", "--data-dir", str(tmp_path)]
    with subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            match = URL_LINE.search(read_line(process.stdout, timeout=20))
            assert match, "the first line does not give the URL"
            http = requests.Session()
            http.trust_env = False
            page = http.get(match.group(1) + LOGIN, timeout=10)
            http.close()
            assert "Type Anything for User / Password" in page.text
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, err
    assert "Stopping." in out
    assert (tmp_path / "sessions.sqlite3").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--absolute-lifetime", "0"], "must be positive"),
        (["--cookie-name", "bad name"], "not a valid cookie name"),
        (["--cookie-name", "__Host-sessionid"], "only with --secure-cookie"),
        (["--cookie-name", "__Secure-sid"], "only with --secure-cookie"),
    ],
)
def test_bad_cookie_and_lifetime_options_say_why(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--data-dir", str(tmp_path)])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_the_new_options_reach_the_app(tmp_path, busy_port, monkeypatch):
    built = []
    real = server.__main__.create_app
    monkeypatch.setattr(
        server.__main__, "create_app", lambda config: built.append(real(config)) or built[-1]
    )
    argv = [
        "--port", str(busy_port), "--data-dir", str(tmp_path),
        "--session-lifetime", "120", "--absolute-lifetime", "600",
        "--cookie-name", "__Host-sessionid", "--secure-cookie",
        "--trusted-host", "lab.example", "--trusted-host", "Other.Example",
    ]  # fmt: skip
    assert main(argv) == 1  # the port is busy: built, never served
    config = built[0].config
    assert (config["SESSION_IDLE_LIFETIME"], config["SESSION_ABSOLUTE_LIFETIME"]) == (120, 600)
    assert config["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["ALLOWED_HOSTS"] == [
        "127.0.0.1", "localhost", "[::1]", "lab.example", "other.example"
    ]  # fmt: skip


def test_a_secure_host_prefixed_cookie_is_what_the_server_sets(tmp_path):
    from server import create_app

    app = create_app(
        {"DATA_DIR": tmp_path, "SESSION_COOKIE_NAME": "__Host-sid", "SESSION_COOKIE_SECURE": True}
    )
    response = app.test_client().get(LOGIN)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-sid=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    close_app(app)


def test_a_server_that_stops_by_itself_exits_non_zero(tmp_path, monkeypatch, capsys):
    class DyingServer:
        """Starts, then fails at once, as a lost listening socket would."""

        def __init__(self, app, host, port, on_error):
            self.on_error = on_error

        def start(self):
            self.on_error(RuntimeError("the server's listening socket was closed"))
            return "http://127.0.0.1:1"

        def wait(self, timeout):
            return False

        def stop(self):
            return True

    monkeypatch.setattr(server.__main__, "EmbeddedServer", DyingServer)
    assert main(["--port", "0", "--data-dir", str(tmp_path)]) == 1
    assert "error: the server stopped: the server's listening socket was closed" in (
        capsys.readouterr().err
    )
