"""Measure full login cycles per second: Session Lab's server against a minimal Flask app.

A cycle is what the tutorial's user does: GET the login form, POST it (with its CSRF token for
Session Lab), GET the secured page, GET logout. Every variant is served the same way, by
:class:`server.runner.EmbeddedServer` on 127.0.0.1, and driven over real HTTP by
``requests.Session`` clients (keep-alive, ``trust_env=False`` so no proxy is involved)::

    uv run python bench/bench_server_cycles.py --cycles 300 --clients 1
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from flask import Flask, redirect, request, session

from server import close_app, create_app
from server.runner import EmbeddedServer

LOGIN = "/app_sessions/login/"
SECURED = "/app_sessions/secured_page/"
LOGOUT = "/app_sessions/logout/"
WARM_UP_CYCLES = 10
MAX_CLIENTS = 64
TIMEOUT = 10

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def minimal_app() -> Flask:
    """Return the same three pages on plain Flask: signed-cookie session, no CSRF, no templates."""
    app = Flask(__name__)
    app.secret_key = secrets.token_hex(32)

    @app.route(LOGIN, methods=["GET", "POST"])
    def login():
        if request.method == "POST" and request.form.get("userid") and request.form.get("passwd"):
            session["userid"] = request.form["userid"]
            return redirect(SECURED)
        return '<form method="post"><input name="userid"><input name="passwd"></form>'

    @app.get(SECURED)
    def secured_page():
        if "userid" in session:
            return f"Welcome USER: {session['userid']} !"
        return "You are not logged in"

    @app.get(LOGOUT)
    def logout():
        return f"Successfully {session.pop('userid', None)} Logged out !"

    return app


@dataclass(frozen=True)
class Variant:
    """One server to measure: a name, a factory for its app and whether its form needs CSRF."""

    name: str
    make_app: Callable[[Path], Flask]
    csrf: bool


VARIANTS = [
    Variant("minimal Flask", lambda data_dir: minimal_app(), csrf=False),
    Variant(
        "Session Lab, sqlite",
        lambda data_dir: create_app({"DATA_DIR": data_dir, "SESSION_STORE": "sqlite"}),
        csrf=True,
    ),
    Variant(
        "Session Lab, memory",
        lambda data_dir: create_app({"DATA_DIR": data_dir, "SESSION_STORE": "memory"}),
        csrf=True,
    ),
    Variant(
        "Session Lab, cookie",
        lambda data_dir: create_app({"DATA_DIR": data_dir, "SESSION_STORE": "cookie"}),
        csrf=True,
    ),
]


class CycleError(RuntimeError):
    """A cycle did not behave as the tutorial says (the figures would be meaningless)."""


def _expect(response: requests.Response, status: int, text: str | None = None) -> None:
    if response.status_code != status or (text is not None and text not in response.text):
        raise CycleError(
            f"{response.request.method} {response.url}: expected {status}"
            f"{f' with {text!r}' if text else ''}, got {response.status_code}"
        )


def one_cycle(http: requests.Session, base_url: str, userid: str, csrf: bool) -> None:
    """GET the form, POST the login, GET the secured page, GET logout; check each answer."""
    form = http.get(base_url + LOGIN, timeout=TIMEOUT)
    _expect(form, 200)
    data = {"userid": userid, "passwd": "secret"}
    if csrf:
        match = _CSRF.search(form.text)
        if match is None:
            raise CycleError("the login form has no CSRF token")
        data["csrf_token"] = match.group(1)
    _expect(http.post(base_url + LOGIN, data=data, allow_redirects=False, timeout=TIMEOUT), 302)
    _expect(http.get(base_url + SECURED, timeout=TIMEOUT), 200, f"Welcome USER: {userid} !")
    _expect(http.get(base_url + LOGOUT, timeout=TIMEOUT), 200, f"Successfully {userid} Logged out")


def _client(base_url: str, cycles: int, userid: str, csrf: bool, start: threading.Barrier) -> None:
    with requests.Session() as http:
        http.trust_env = False
        try:
            for _ in range(min(WARM_UP_CYCLES, cycles)):
                one_cycle(http, base_url, userid, csrf)
        except BaseException:
            start.abort()  # release everyone waiting at the start line instead of hanging
            raise
        start.wait()
        for _ in range(cycles):
            one_cycle(http, base_url, userid, csrf)


@contextmanager
def serving(variant: Variant) -> Iterator[str]:
    """Serve the variant's app with EmbeddedServer on 127.0.0.1; yield its base URL."""
    with tempfile.TemporaryDirectory(prefix="session-lab-bench-") as data_dir:
        app = variant.make_app(Path(data_dir))
        server = EmbeddedServer(app, host="127.0.0.1", port=0)
        try:
            yield server.start()
        finally:
            server.stop()
            if "session_lab" in app.extensions:
                close_app(app)


def measure(variant: Variant, cycles: int, clients: int) -> float:
    """Run ``cycles`` timed cycles split over ``clients`` threads; return the seconds taken.

    Each client has its own ``requests.Session`` and user name, warms up with a few untimed
    cycles, then all start together.
    """
    shares = [cycles // clients + (i < cycles % clients) for i in range(clients)]
    start = threading.Barrier(clients + 1)
    with serving(variant) as base_url, ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [
            pool.submit(_client, base_url, share, f"user{i}", variant.csrf, start)
            for i, share in enumerate(shares)
        ]
        try:
            start.wait()
        except threading.BrokenBarrierError:
            # A client failed while warming up: report its error, not the broken barrier.
            for future in futures:
                error = future.exception()
                if error is not None and not isinstance(error, threading.BrokenBarrierError):
                    raise error from None
            raise
        began = time.perf_counter()
        for future in futures:
            future.result()
        return time.perf_counter() - began


def positive_int(text: str) -> int:
    """Parse a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    """Measure every variant and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cycles", type=positive_int, default=300, help="timed cycles in all (default 300)"
    )
    parser.add_argument(
        "--clients",
        type=positive_int,
        default=1,
        help=f"concurrent clients, one thread and session each (default 1, at most {MAX_CLIENTS})",
    )
    args = parser.parse_args(argv)
    if args.clients > min(MAX_CLIENTS, args.cycles):
        parser.error(f"--clients must be at most {MAX_CLIENTS} and at most --cycles")

    print(f"{args.cycles} cycles, {args.clients} client(s); a cycle is 4 requests")
    results = [(v.name, measure(v, args.cycles, args.clients)) for v in VARIANTS]
    baseline = args.cycles / results[0][1]
    print(f"{'variant':<22}{'cycles':>8}{'seconds':>10}{'cycles/s':>10}{'vs minimal':>12}")
    for name, seconds in results:
        rate = args.cycles / seconds
        print(f"{name:<22}{args.cycles:>8}{seconds:>10.2f}{rate:>10.1f}{rate / baseline:>11.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
