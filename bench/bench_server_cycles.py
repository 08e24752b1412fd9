"""Measure login cycles per second: Session Lab's SQLite store against a minimal Flask peer.

A cycle is what the tutorial's user does: GET the login form, POST it (with its CSRF token for
Session Lab), GET the secured page, GET logout. Every server runs in a process of its own (this
script started again with ``--serve VARIANT``), on 127.0.0.1, and is driven over real HTTP by
``requests.Session`` clients in this process (keep-alive, ``trust_env=False``)::

    uv run python bench/bench_server_cycles.py                 # 1 and 8 clients
    uv run python bench/bench_server_cycles.py --quick
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests
from flask import Flask, redirect, request, session

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:  # the child runs this file directly; it needs `server`
    sys.path.insert(0, str(PROJECT))

LOGIN = "/app_sessions/login/"
SECURED = "/app_sessions/secured_page/"
LOGOUT = "/app_sessions/logout/"
WARM_UP_CYCLES = 10
MAX_CLIENTS = 64
TIMEOUT = 10
SEEDED = 100_000
START_TIMEOUT = 60  # seconds a child may take to print its URL
PURGE_DEADLINE = 60  # seconds the purge measurement runs at most
# Seconds from seeding to expiry: the child starts and warms up first, then the clients cycle
# about as long as the purge will take, so the latencies without a purge (the control) come from
# a window as long as the one with it, on the same machine just before it.
PURGE_AFTER = 20.0
LIVE_TARGET = 0.10
PURGE_TARGET_MS = 100
RATIO_TARGET = 0.85

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # the SQLite store's, in server/stores.py

# ----------------------------------------------------------------------------- the children


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


def _serve_until_stdin_closes(url: str, stop) -> None:
    print(url, flush=True)
    sys.stdin.read()  # the parent closes our stdin to stop us
    stop()


def _time_purge_batches(store) -> dict[str, list[float]]:
    """Time each batch of ``store``'s purge from the inside; return the lists it fills.

    ``hold``: seconds a batch held the store's lock, which every request's session needs.
    ``cpu``: the purge thread's CPU seconds from one batch to the next (deleting, reading the
    rows back, publishing their events): the most it can keep from requests between its pauses.
    Clients' latencies also carry the machine's noise; these carry only the purge.
    """
    timings: dict[str, list[float]] = {"hold": [], "cpu": []}
    using = store._using  # the store's one way to its connection (server/stores.py)
    last: list = [None, 0.0]  # the purge's thread and its CPU time at its last batch

    @contextmanager
    def timed(doing: str):
        if doing != "purge":
            with using(doing) as conn:
                yield conn
            return
        # Each purge runs on a thread of its own, and CPU time is counted per thread.
        thread, cpu = threading.current_thread(), time.thread_time()
        if thread is last[0]:
            timings["cpu"].append(cpu - last[1])
        last[:] = [thread, cpu]
        with using(doing) as conn:
            began = time.perf_counter()
            try:
                yield conn
            finally:
                timings["hold"].append(time.perf_counter() - began)

    store._using = timed
    return timings


def serve(variant: str, port: int, data_dir: Path | None, purge_interval: float | None) -> None:
    """Serve one variant on 127.0.0.1 until stdin closes; print the base URL first."""
    # Werkzeug logs every request and waitress every queued one: noise on the bench's output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if variant == "werkzeug":
        from werkzeug.serving import make_server

        server = make_server("127.0.0.1", port, minimal_app(), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        _serve_until_stdin_closes(f"http://127.0.0.1:{server.server_port}", server.shutdown)
    elif variant == "waitress":
        import waitress

        # The same thread count as Session Lab's runner.
        server = waitress.create_server(minimal_app(), host="127.0.0.1", port=port, threads=8)
        threading.Thread(target=server.run, daemon=True).start()
        _serve_until_stdin_closes(f"http://127.0.0.1:{server.effective_port}", server.close)
    else:  # Session Lab, as `python -m server` serves it (its defaults, EmbeddedServer)
        from server import close_app, create_app
        from server.runner import EmbeddedServer

        config = {"SESSION_STORE": "sqlite", "DATA_DIR": data_dir}
        if purge_interval is not None:
            config["SESSION_PURGE_INTERVAL"] = purge_interval
        app = create_app(config)
        server = EmbeddedServer(app, host="127.0.0.1", port=port)
        timings = None
        if purge_interval is not None:
            timings = _time_purge_batches(app.extensions["session_lab"].store)

        def stop() -> None:
            server.stop()
            close_app(app)
            if timings is not None:  # the parent reads this last line (Child.last_line)
                print(json.dumps(timings), flush=True)

        _serve_until_stdin_closes(server.start(), stop)


# ----------------------------------------------------------------------------- the parent


@dataclass(frozen=True)
class Child:
    """A server process: its variant, URL and data directory."""

    name: str
    url: str
    process: subprocess.Popen
    data_dir: Path | None
    #: What the child printed after its URL, read once it has stopped.
    output: list[str] = field(default_factory=list)


@contextmanager
def child(name: str, variant: str, data_dir: Path | None = None, **options) -> Iterator[Child]:
    """Start ``variant`` in a new Python process; yield it once it listens; stop it after."""
    command = [sys.executable, __file__, "--serve", variant, "--port", "0"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    if options.get("purge_interval") is not None:
        command += ["--purge-interval", str(options["purge_interval"])]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=PROJECT
    )
    started: Child | None = None
    try:
        line = _read_line(process, START_TIMEOUT)
        if not line.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"{name}: the child printed {line!r} instead of its URL")
        started = Child(name, line.strip(), process, data_dir)
        yield started
    finally:
        process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if started is not None:
            started.output.extend(process.stdout.read().splitlines())
        process.stdout.close()


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines or not lines[0]:
        raise RuntimeError(f"the child {process.args[3]} did not start (exit {process.poll()})")
    return lines[0]


def seed(data_dir: Path, rows: int, expires_in: float) -> None:
    """Put ``rows`` logged-in sessions in ``data_dir``'s store, expiring in ``expires_in`` s.

    The file is made by the store itself (schema, WAL, private mode), then filled directly.
    """
    from server.config import sqlite_path
    from server.stores import SqliteStore

    data_dir.mkdir(mode=0o700, exist_ok=True)
    path = sqlite_path(data_dir)
    SqliteStore(path).close()
    now = time.time()

    def stamp(epoch: float) -> str:
        return datetime.fromtimestamp(epoch, UTC).strftime(_TIME_FORMAT)

    created, expires = stamp(now - 60), stamp(now + expires_in)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO sessions (id, data, created, last_seen, expires) VALUES (?, ?, ?, ?, ?)",
            (
                (secrets.token_urlsafe(32), f'{{"userid":"seed{i}"}}', created, created, expires)
                for i in range(rows)
            ),
        )
    conn.close()


def count_rows(data_dir: Path) -> int:
    """Return how many sessions the child's store holds (read beside it: WAL allows that)."""
    from server.config import sqlite_path

    conn = sqlite3.connect(f"file:{sqlite_path(data_dir)}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    finally:
        conn.close()


class CycleError(RuntimeError):
    """A cycle did not behave as the tutorial says (the figures would be meaningless)."""


def _expect(response: requests.Response, status: int, text: str | None = None) -> None:
    if response.status_code != status or (text is not None and text not in response.text):
        raise CycleError(
            f"{response.request.method} {response.url}: expected {status}"
            f"{f' with {text!r}' if text else ''}, got {response.status_code}"
        )


def one_cycle(
    http: requests.Session, base_url: str, userid: str, latencies: list | None = None
) -> None:
    """GET the form, POST the login, GET the secured page, GET logout; check each answer.

    With ``latencies``, append ``(start, seconds)`` for each of the four requests.
    """

    def timed(call, *args, **kwargs) -> requests.Response:
        began = time.perf_counter()
        response = call(*args, timeout=TIMEOUT, **kwargs)
        if latencies is not None:
            latencies.append((began, time.perf_counter() - began))
        return response

    form = timed(http.get, base_url + LOGIN)
    _expect(form, 200)
    data = {"userid": userid, "passwd": "secret"}
    if match := _CSRF.search(form.text):  # Session Lab's form; the peer's has no token
        data["csrf_token"] = match.group(1)
    _expect(timed(http.post, base_url + LOGIN, data=data, allow_redirects=False), 302)
    _expect(timed(http.get, base_url + SECURED), 200, f"Welcome USER: {userid} !")
    _expect(timed(http.get, base_url + LOGOUT), 200, f"Successfully {userid} Logged out")


def _client(base_url: str, cycles: int, userid: str, start: threading.Barrier) -> None:
    with requests.Session() as http:
        http.trust_env = False
        try:
            for _ in range(WARM_UP_CYCLES):
                one_cycle(http, base_url, userid)
        except BaseException:
            start.abort()  # release everyone waiting at the start line instead of hanging
            raise
        start.wait()
        for _ in range(cycles):
            one_cycle(http, base_url, userid)


def cycles_per_second(base_url: str, cycles: int, clients: int) -> float:
    """Run ``cycles`` timed cycles split over ``clients`` threads; return cycles per second."""
    shares = [cycles // clients + (i < cycles % clients) for i in range(clients)]
    start = threading.Barrier(clients + 1)
    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [
            pool.submit(_client, base_url, share, f"user{i}", start)
            for i, share in enumerate(shares)
        ]
        try:
            start.wait()
        except threading.BrokenBarrierError:
            for future in futures:  # report the client's error, not the broken barrier
                error = future.exception()
                if error is not None and not isinstance(error, threading.BrokenBarrierError):
                    raise error from None
            raise
        began = time.perf_counter()
        for future in futures:
            future.result()
        return cycles / (time.perf_counter() - began)


@dataclass(frozen=True)
class PurgeStall:
    """What the clients saw while the server purged the expired rows."""

    clients: int
    purge_seconds: float
    requests_during: int
    max_ms: float
    p99_ms: float
    #: The control: requests that ended before the rows expired, in a window as long as the purge.
    requests_before: int
    baseline_max_ms: float | None  # None: no request finished before the rows expired
    baseline_p99_ms: float | None
    #: Measured inside the server: the longest a purge batch held the store, and the most CPU
    #: the purge thread used from one batch to the next.
    hold_max_ms: float | None
    batch_cpu_max_ms: float | None


def purge_stall(work: Path, clients: int, expire_after: float) -> PurgeStall:
    """Seed expired-to-be rows, keep ``clients`` cycling, and time every request of the purge.

    The rows expire ``expire_after`` seconds after seeding (after the warm-up, so no one-off
    start-up cost is counted); a one-second purge interval lets the next request start the purge.
    """
    data_dir = work / f"purge-{clients}"
    seed(data_dir, SEEDED, expires_in=expire_after)
    expiry = time.time() + expire_after
    latencies: list[tuple[float, float]] = []
    done = threading.Event()
    window: list[float] = []

    def watch() -> None:  # notes when the purge starts and ends, from the file itself
        deadline = time.monotonic() + PURGE_DEADLINE
        while time.monotonic() < deadline and not done.is_set():
            rows = count_rows(data_dir)
            if rows < SEEDED and not window:
                window.append(time.perf_counter())
            if rows < 100:  # what is left is the clients' own sessions
                window.append(time.perf_counter())
                break
            done.wait(0.02)
        done.set()

    def run(i: int) -> list[tuple[float, float]]:
        mine: list[tuple[float, float]] = []
        with requests.Session() as http:
            http.trust_env = False
            for _ in range(WARM_UP_CYCLES):
                one_cycle(http, url, f"user{i}")
            while not done.is_set():
                one_cycle(http, url, f"user{i}", mine)
        return mine

    with child("purge", "sessionlab", data_dir, purge_interval=1) as server:
        url = server.url
        watcher = threading.Thread(target=watch, daemon=True)
        with ThreadPoolExecutor(max_workers=clients) as pool:
            futures = [pool.submit(run, i) for i in range(clients)]
            watcher.start()
            watcher.join(PURGE_DEADLINE + expire_after + 5)
            done.set()
            for future in futures:
                latencies.extend(future.result())
    if len(window) < 2:
        raise RuntimeError(f"the purge did not finish within {PURGE_DEADLINE} s")
    began, ended = window
    # The sampling is 20 ms coarse: count a request if it overlaps the purge at all.
    during = sorted(s for start, s in latencies if start + s >= began - 0.02 and start <= ended)
    before_expiry = time.perf_counter() - (time.time() - expiry)
    # The control: as long a window as the purge's, ending when the rows expire. A maximum
    # grows with the number of requests it is taken over, so the two windows match.
    control_start = before_expiry - (ended - began)
    baseline = sorted(
        s for start, s in latencies if start >= control_start and start + s < before_expiry
    )
    if not during:
        raise RuntimeError("no request ran during the purge")
    inside = json.loads(server.output[-1]) if server.output else {}

    def longest(name: str) -> float | None:
        values = inside.get(name)
        return max(values) * 1000 if values else None

    return PurgeStall(
        clients,
        ended - began,
        len(during),
        during[-1] * 1000,
        during[int(len(during) * 0.99)] * 1000,
        len(baseline),
        baseline[-1] * 1000 if baseline else None,
        baseline[int(len(baseline) * 0.99)] * 1000 if baseline else None,
        longest("hold"),
        longest("cpu"),
    )


def cpu_seconds(pid: int) -> float | None:
    """Return the CPU time a process has used so far (Linux; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@dataclass
class Best:
    """A server's best figures over the rounds at one client count."""

    rate: float = 0.0  # cycles per second
    cpu_ms: float | None = None  # the server's CPU milliseconds per cycle, warm-up included


def best_rates(servers: list[Child], cycles: int, clients: int, rounds: int) -> dict[str, Best]:
    """Measure every server ``rounds`` times, taking turns; return each one's best figures."""
    best = {server.name: Best() for server in servers}
    for _ in range(rounds):
        for server in servers:
            before = cpu_seconds(server.process.pid)
            rate = cycles_per_second(server.url, cycles, clients)
            after = cpu_seconds(server.process.pid)
            figures = best[server.name]
            figures.rate = max(figures.rate, rate)
            if before is not None and after is not None:
                cpu_ms = (after - before) * 1000 / (cycles + WARM_UP_CYCLES * clients)
                figures.cpu_ms = min(cpu_ms, figures.cpu_ms or cpu_ms)
    return best


def client_counts(text: str) -> list[int]:
    """Parse a comma-separated list of client counts, each 1 to MAX_CLIENTS."""
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("give whole numbers, e.g. 1,8") from None
    if not counts or any(not 1 <= c <= MAX_CLIENTS for c in counts):
        raise argparse.ArgumentTypeError(f"each count must be between 1 and {MAX_CLIENTS}")
    return counts


def positive_int(text: str) -> int:
    """Parse a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser (the child's options are hidden)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cycles", type=positive_int, help="timed cycles per measurement (default 400; quick 100)"
    )
    parser.add_argument(
        "--clients",
        type=client_counts,
        default=[1, 8],
        help="concurrent clients, comma-separated (default 1,8)",
    )
    parser.add_argument(
        "--rounds", type=positive_int, help="measurements per server, best kept (default 3)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="100 cycles, one round: a smoke run, noisy figures"
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--purge-interval", type=float, help=argparse.SUPPRESS)
    return parser


def _load() -> str:
    # Other work on the machine moves every figure: say how busy it was.
    try:
        return " ".join(f"{figure:.2f}" for figure in os.getloadavg())
    except OSError:  # Windows has no load average
        return "unknown"


def target_line(label: str, figures: list[float], form: str, meets) -> None:
    """Print one row of figures, each with its verdict against the target."""
    cells = "".join(f"{form.format(f) + ' ' + verdict(meets(f)):>14}" for f in figures)
    print(f"{label:<26}{cells}")


def verdict(ok: bool) -> str:
    """Say whether a figure meets its target."""
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    """Measure every server at each client count and print the tables."""
    args = build_parser().parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.data_dir, args.purge_interval)
        return 0
    cycles = args.cycles or (100 if args.quick else 400)
    rounds = args.rounds or (1 if args.quick else 3)
    print(
        f"{cycles} timed cycles per measurement (4 requests each), best of {rounds} round(s),"
        f" every server in its own process; {os.cpu_count()} CPUs, load {_load()}"
    )
    with tempfile.TemporaryDirectory(prefix="session-lab-bench-") as work, ExitStack() as stack:
        work = Path(work)
        seed(work / "live", SEEDED, expires_in=24 * 3600)
        servers = [
            stack.enter_context(child("peer, Werkzeug", "werkzeug")),
            stack.enter_context(child("peer, waitress", "waitress")),
            stack.enter_context(child("Session Lab", "sessionlab", work / "empty")),
            stack.enter_context(child("Session Lab, 100k live", "sessionlab", work / "live")),
        ]
        rates = {n: best_rates(servers, cycles, n, rounds) for n in args.clients}
        stalls = [purge_stall(work, n, expire_after=PURGE_AFTER) for n in args.clients]

    print(f"load at the end {_load()}")
    print()
    columns = "".join(f"{f'{n} client(s)':>14}" for n in args.clients)
    print(f"{'cycles/s':<26}{columns}")
    for server in servers:
        print(
            f"{server.name:<26}"
            + "".join(f"{rates[n][server.name].rate:>14.1f}" for n in args.clients)
        )
    if all(b.cpu_ms is not None for r in rates.values() for b in r.values()):
        # CPU time per cycle barely moves when other work shares the machine; cycles/s do.
        print(f"\n{'server CPU ms per cycle':<26}{columns}")
        for server in servers:
            print(
                f"{server.name:<26}"
                + "".join(f"{rates[n][server.name].cpu_ms:>14.2f}" for n in args.clients)
            )
    print()
    print(f"{'against targets':<26}{columns}")
    sl, live = "Session Lab", "Session Lab, 100k live"
    peers = ("peer, Werkzeug", "peer, waitress")
    ratios = [rates[n][sl].rate / max(rates[n][p].rate for p in peers) for n in args.clients]
    costs = [rates[n][sl].rate / rates[n][live].rate - 1 for n in args.clients]
    target_line("Session Lab / best peer", ratios, "{:.2f}x", lambda r: r >= RATIO_TARGET)
    target_line("100k live: cost per cycle", costs, "{:+.1%}", lambda c: c <= LIVE_TARGET)
    if all(b.cpu_ms is not None for r in rates.values() for b in r.values()):
        cpu_ratios = [
            min(rates[n][p].cpu_ms for p in peers) / rates[n][sl].cpu_ms for n in args.clients
        ]
        cpu_costs = [rates[n][live].cpu_ms / rates[n][sl].cpu_ms - 1 for n in args.clients]
        target_line("  the same by server CPU", cpu_ratios, "{:.2f}x", lambda r: r >= RATIO_TARGET)
        target_line("  the same by server CPU", cpu_costs, "{:+.1%}", lambda c: c <= LIVE_TARGET)
    print(
        f"targets: Session Lab >= {RATIO_TARGET:.2f}x the best peer,"
        f" 100k live <= +{LIVE_TARGET:.0%} per cycle"
    )
    print()
    print(f"purge of {SEEDED:,} expired rows while clients cycle (target: no request over 100 ms)")
    print(
        f"{'':18}{'with the purge':>30}{'as long before it':>30}{'inside the server':>26}\n"
        f"{'clients':>8}{'purge s':>10}{'requests':>10}{'max ms':>10}{'p99 ms':>10}"
        f"{'requests':>10}{'max ms':>10}{'p99 ms':>10}{'hold ms':>13}{'CPU ms':>13}  verdict"
    )

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    for s in stalls:
        print(
            f"{s.clients:>8}{s.purge_seconds:>10.2f}{s.requests_during:>10}{s.max_ms:>10.1f}"
            f"{s.p99_ms:>10.1f}{s.requests_before:>10}{ms(s.baseline_max_ms):>10}"
            f"{ms(s.baseline_p99_ms):>10}{ms(s.hold_max_ms):>13}{ms(s.batch_cpu_max_ms):>13}"
            f"  {verdict(s.max_ms <= PURGE_TARGET_MS)}"
        )
    print(
        "max and p99: the clients' request latencies, machine noise included; before it: the\n"
        "same clients in an equally long window just before the rows expired, no purge running.\n"
        "hold: the longest one purge batch held the store's lock, which every request needs;\n"
        "CPU: the most CPU the purge thread used between two of its pauses. Both measured in the\n"
        "server, they are the purge's own share of a stall."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
