"""Measure login cycles per second under gunicorn: 1 and 4 workers, the SQLite and Redis stores.

The same cycle as ``bench_server_cycles.py`` (GET the form, POST it with its CSRF token, GET the
secured page, GET logout; every answer checked). Each server is a gunicorn process started as
the README says, ``gunicorn -w N "server:create_app()"`` configured by ``SESSION_LAB_*``
variables only; Redis is a redis-server of its own on a free port, nothing saved to disk::

    uv run python bench/bench_gunicorn_stores.py              # 800 cycles, 16 clients, best of 3
    uv run python bench/bench_gunicorn_stores.py --quick
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests
from bench_server_cycles import LOGIN, one_cycle

PROJECT = Path(__file__).resolve().parents[1]
WARM_UP_CYCLES = 5
START_TIMEOUT = 30


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Run a redis-server (no persistence) on a free port; yield its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def gunicorn(workers: int, env: dict[str, str]) -> Iterator[str]:
    """Run ``gunicorn -w workers "server:create_app()"``; yield its URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "server:create_app()"],
        cwd=PROJECT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT
        with requests.Session() as http:
            http.trust_env = False
            while True:
                try:
                    if http.get(url + LOGIN, timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn -w {workers} did not start")
                time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(url: str, cycles: int, clients: int) -> float:
    """Run ``cycles`` cycles split over ``clients`` threads; return cycles per second."""
    start = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        with requests.Session() as http:
            http.trust_env = False
            try:
                for _ in range(WARM_UP_CYCLES):
                    one_cycle(http, url, f"warm{n}")
            except BaseException:
                start.abort()
                raise
            start.wait()
            for c in range(cycles // clients):
                one_cycle(http, url, f"user{n}-{c}")

    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client, n) for n in range(clients)]
        start.wait()
        began = time.perf_counter()
        for future in futures:
            future.result()  # a failed cycle stops the run: its figure would mean nothing
        elapsed = time.perf_counter() - began
    return (cycles // clients) * clients / elapsed


def main() -> None:
    """Measure every pairing and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, help="timed cycles per measurement (800)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (16)")
    parser.add_argument("--rounds", type=int, help="measurements per pairing, best kept (3)")
    parser.add_argument("--quick", action="store_true", help="200 cycles, one round")
    args = parser.parse_args()
    cycles = args.cycles or (200 if args.quick else 800)
    rounds = args.rounds or (1 if args.quick else 3)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {cycles} cycles with "
          f"{args.clients} clients, best of {rounds}")  # fmt: skip
    results: dict[tuple[str, int], float] = {}
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        redis_url = stack.enter_context(redis_server(folder))
        for store in ("sqlite", "redis"):
            for workers in (1, 4):
                env = {"SESSION_LAB_STORE": store, "SESSION_LAB_REDIS_URL": redis_url,
                       "SESSION_LAB_DATA_DIR": str(folder / f"{store}-{workers}")}  # fmt: skip
                with gunicorn(workers, env) as url:
                    results[store, workers] = max(
                        measure(url, cycles, args.clients) for _ in range(rounds)
                    )
                print(f"  {store:6} {workers} worker(s): {results[store, workers]:7.1f} cycles/s",
                      flush=True)  # fmt: skip
    print()
    print(f"{'cycles/s':>10} | {'1 worker':>9} | {'4 workers':>9} | {'4 / 1':>6}")
    for store in ("sqlite", "redis"):
        one, four = results[store, 1], results[store, 4]
        print(f"{store:>10} | {one:9.1f} | {four:9.1f} | {four / one:5.2f}x")
    print(f"{'redis/sqlite':>10} | {results['redis', 1] / results['sqlite', 1]:8.2f}x | "
          f"{results['redis', 4] / results['sqlite', 4]:8.2f}x |")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
