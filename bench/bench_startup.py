"""Measure start-up: Session Lab's window and server against a bare PySide6 window and Flask app.

Start-up runs from the moment the parent starts a fresh Python process to the moment, inside
that process, the window is shown and the embedded server is listening (the first pass of the
Qt event loop after ``show()``). Each run is a new process, offscreen, with a fresh temporary
data directory and fresh user directories (settings, logs); the variants take turns, so drift
in the machine's load hits both alike::

    uv run python bench/bench_startup.py --runs 11

- **Session Lab** runs ``desktop.app.main.main`` itself, which is what ``main.py`` runs; a timer
  queued before it reports once the event loop turns, then closes the window, which stops the
  server.
- **bare pair** does the same with a plain ``QMainWindow`` and a one-route Flask app served by
  the same ``EmbeddedServer`` (``server/runner.py``, loaded without the rest of Session Lab).

Both variants are measured twice over, because Python's bytecode cache changes the picture:

- **bytecode cached**, every launch but the first on a user's machine: the children share a
  private ``PYTHONPYCACHEPREFIX`` that the warm-up runs fill.
- **first launch**, or any launch where ``PYTHONDONTWRITEBYTECODE`` is set: the children's
  cache holds the standard library's bytecode only, as an installed Python ships it, and they
  write nothing, so every module of the app and its dependencies compiles from source.

After taking its timestamp, each child checks that the server answers (``GET`` of the login
path returns 200, with ``requests`` and ``trust_env=False``); that first answer is reported
apart and is not part of start-up. Both clocks are ``time.monotonic()``, which on Linux is the
system-wide ``CLOCK_MONOTONIC``, so the parent's and the child's readings compare.

This file is also the child: ``--child real|bare`` runs one start-up and prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/app_sessions/login/"
TARGET_RATIO = 1.5
CHILD_TIMEOUT = 60
CLOSE_GRACE_MS = 2000
VARIANTS = {"real": "Session Lab", "bare": "bare pair"}


# --- the child: one start-up, timed from inside ------------------------------------------------


def _report_when_shown(app, server_url) -> None:
    """Queue the report: the first pass of the event loop after ``show()`` takes the time."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMainWindow

    def report() -> None:
        ready = time.monotonic()
        window = next((w for w in app.topLevelWidgets() if isinstance(w, QMainWindow)), None)
        if window is None or not window.isVisible():  # an error dialog instead of the window
            print(json.dumps({"error": "no main window was shown"}), flush=True)
            app.closeAllWindows()
            app.exit(1)
            return
        # Not timed: importing requests here must not charge the bare pair for the check.
        import requests

        asked = time.monotonic()
        with requests.Session() as http:
            http.trust_env = False
            status = http.get(server_url(window) + LOGIN, timeout=10).status_code
        answered = time.monotonic() - asked
        print(json.dumps({"ready": ready, "status": status, "first_answer": answered}), flush=True)
        window.close()  # stops the server (Session Lab's closeEvent); the last window quits
        # Only if something kept the app alive (a dialog, say): note what, and end it anyway.
        QTimer.singleShot(CLOSE_GRACE_MS, left_running)

    def left_running() -> None:
        shown = [w.objectName() or type(w).__name__ for w in app.topLevelWidgets() if w.isVisible()]
        print(json.dumps({"left_running": shown}), flush=True)
        app.exit(0)

    QTimer.singleShot(0, report)


def child_real(data_dir: str) -> int:
    """Run ``main.py``'s code path, reporting once the window is shown and the server listens."""
    # main.py's order: desktop.app.main (which loads the server, Flask included) before Qt. The
    # order counts: once PySide6 is loaded, its import hook reads the source of every module
    # imported after it, which would charge Session Lab some 35 ms that ``python main.py``
    # never pays.
    from desktop.app.main import main

    # isort: split
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])  # main() takes this instance; the timer needs one first
    _report_when_shown(app, lambda window: window.lab.url)
    return main(["--data-dir", data_dir])


def _load_runner():
    """Load ``server/runner.py`` on its own: the same server class, without Session Lab.

    ``import server.runner`` would run ``server/__init__.py``, which imports the whole app
    (Flask-WTF, WTForms, sqlite3, the views), and charge the bare pair for it.
    """
    import importlib.util

    spec = importlib.util.spec_from_file_location("bare_runner", ROOT / "server" / "runner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child_bare(data_dir: str) -> int:
    """Start a plain QMainWindow and a one-route Flask app served the same way; report as above."""
    from flask import Flask
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([sys.argv[0]])
    flask_app = Flask(__name__)
    flask_app.add_url_rule(LOGIN, "login", lambda: "<p>Type Anything for User / Password</p>")
    server = _load_runner().EmbeddedServer(flask_app)
    server.start()
    _report_when_shown(app, lambda window: server.url)
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1440, 900)
    window.show()
    code = app.exec()
    server.stop()
    return code


# --- the parent: fresh processes, in turns -----------------------------------------------------


def compile_standard_library(cache: str) -> None:
    """Fill ``cache`` (a ``PYTHONPYCACHEPREFIX``) with the standard library's bytecode."""
    skip = r"[/\\](test|tests|idlelib|tkinter|turtledemo|site-packages)[/\\]"
    stdlib = sysconfig.get_paths()["stdlib"]
    env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "compileall", "-q", "-j", "0", "-x", skip, stdlib]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def run_once(variant: str, bytecode_cache: str, write_bytecode: bool) -> dict:
    """Start one child in fresh temporary directories; return its report with ``startup`` added.

    The child reads ``.pyc`` files from ``bytecode_cache`` and, if ``write_bytecode``, adds the
    ones it compiles.
    """
    with tempfile.TemporaryDirectory(prefix="session-lab-startup-") as tmp:
        # Settings and logs go to the temporary home, not the user's: each run is a first run.
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
        env["PYTHONPYCACHEPREFIX"] = bytecode_cache
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not write_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = str(Path(tmp) / name.lower())
        data_dir = Path(tmp) / "data"
        command = [sys.executable, str(Path(__file__).resolve()), "--child", variant]
        command += ["--data-dir", str(data_dir)]
        began = time.monotonic()
        done = subprocess.run(
            command, env=env, cwd=tmp, capture_output=True, text=True, timeout=CHILD_TIMEOUT
        )
    report = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            report.update(json.loads(line))
    if done.returncode != 0 or "ready" not in report or report["status"] != 200:
        raise RuntimeError(
            f"{VARIANTS[variant]} did not start (exit {done.returncode}, report {report}):\n"
            f"{done.stderr[-2000:]}"
        )
    report["startup"] = report["ready"] - began
    return report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f}"


def measure(
    runs: int, warm_up: int, bytecode_cache: str, write_bytecode: bool
) -> dict[str, list[dict]]:
    """Run the variants in turns: ``warm_up`` untimed rounds, then ``runs`` timed ones."""
    for _ in range(warm_up):  # fill the OS file cache (and the bytecode cache, if it is written)
        for variant in VARIANTS:
            run_once(variant, bytecode_cache, write_bytecode)
    reports: dict[str, list[dict]] = {variant: [] for variant in VARIANTS}
    for _ in range(runs):
        for variant in VARIANTS:
            reports[variant].append(run_once(variant, bytecode_cache, write_bytecode))
    return reports


def print_table(title: str, reports: dict[str, list[dict]]) -> None:
    """Print one table of figures and Session Lab's median over the bare pair's."""
    print(title)
    print(f"  {'variant':<14}{'median ms':>10}{'min ms':>8}{'max ms':>8}{'1st answer ms':>15}")
    medians = {}
    for variant, name in VARIANTS.items():
        stuck = [r["left_running"] for r in reports[variant] if "left_running" in r]
        startups = [r["startup"] for r in reports[variant]]
        answers = [r["first_answer"] for r in reports[variant]]
        medians[variant] = statistics.median(startups)
        print(
            f"  {name:<14}{_ms(medians[variant]):>10}{_ms(min(startups))}{_ms(max(startups))}"
            f"{_ms(statistics.median(answers)):>15}"
        )
        if stuck:
            print(f"  ! {len(stuck)} runs kept running after the window closed, showing {stuck[0]}")
    ratio = medians["real"] / medians["bare"]
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"  Session Lab / bare pair (medians): {ratio:.2f}x, {verdict} the {TARGET_RATIO}x goal")


def main(argv: list[str] | None = None) -> int:
    """Measure both variants, with and without a bytecode cache, and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="timed runs per variant (default 11)")
    parser.add_argument(
        "--warm-up", type=int, default=1, help="untimed runs per variant first (default 1)"
    )
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return (child_real if args.child == "real" else child_bare)(args.data_dir)
    if args.runs < 1 or args.warm_up < 0:
        parser.error("--runs must be at least 1 and --warm-up at least 0")

    print(f"start-up, process start to window shown with server listening; {args.runs} runs each")
    with tempfile.TemporaryDirectory(prefix="session-lab-pycache-") as cache:
        cached = measure(args.runs, max(args.warm_up, 1), cache, write_bytecode=True)
    print_table("bytecode cached (every launch after the first):", cached)
    with tempfile.TemporaryDirectory(prefix="session-lab-pycache-") as cache:
        compile_standard_library(cache)
        first = measure(args.runs, args.warm_up, cache, write_bytecode=False)
    print_table("first launch (only the standard library's bytecode cached):", first)
    print("('1st answer' is the readiness check's GET, after the timestamp: not in start-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
