"""Build the one-folder Session Lab app with PyInstaller, then smoke-test it without Python.

    uv run --group package python packaging/build.py

The app lands in ``dist/session-lab/`` (executable ``session-lab``). The smoke test starts it
offscreen with an environment stripped of everything Python (PATH of the system only, a fresh
HOME and working directory) and checks that it prints its version, creates its session
database, serves the login page on the port it was given, and quits on SIGTERM. Exit status 0
means built and passed. ``--no-build`` smoke-tests an existing build.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "session-lab.spec"
NAME = "session-lab"
LOGIN_PATH = "/app_sessions/login/"
SHARED_ADDRESS = "127.0.0.2"  # stands for a network address in the smoke test
LOGIN_TEXT = "Type Anything for User / Password"
START_TIMEOUT = 30.0
QUIT_TIMEOUT = 5.0


class SmokeTestError(Exception):
    """The built app did not do what a working build does."""


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; return the app folder (``dist/session-lab``)."""
    command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean"]
    command += ["--distpath", str(dist), "--workpath", str(work)]
    subprocess.run(command, cwd=ROOT, check=True)
    return dist / NAME


def executable(app_dir: Path) -> Path:
    """Return the app's executable inside its folder."""
    return app_dir / (f"{NAME}.exe" if sys.platform == "win32" else NAME)


def folder_size(folder: Path) -> int:
    """Return the bytes in ``folder``, not following symbolic links."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def scrubbed_env(home: Path) -> dict[str, str]:
    """Return an environment with nothing of Python in it, as a fresh desktop session has."""
    env = {"HOME": str(home), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}
    if sys.platform == "win32":
        system_root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        env |= {
            "SYSTEMROOT": system_root,
            "PATH": rf"{system_root}\System32;{system_root}",
            "USERPROFILE": str(home),
            "APPDATA": str(home / "AppData" / "Roaming"),
            "LOCALAPPDATA": str(home / "AppData" / "Local"),
        }
    else:
        env["PATH"] = "/usr/bin:/bin"
    return env


def free_port() -> int:
    """Return a loopback port that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def project_version() -> str:
    """Return the project's version, kept in ``desktop/__init__.py`` (pyproject reads it too)."""
    source = (ROOT / "desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', source, re.MULTILINE)
    if match is None:
        raise SystemExit("desktop/__init__.py has no __version__")
    return match.group(1)


def check_version(exe: Path, env: dict[str, str], cwd: Path) -> None:
    """Check that ``--version`` prints the project's version."""
    # A windowed Windows executable has no standard output to print to.
    if sys.platform == "win32":
        return
    result = subprocess.run(
        [str(exe), "--version"], env=env, cwd=cwd, capture_output=True, text=True, timeout=30
    )
    expected = f"{NAME} {project_version()}"
    if result.returncode != 0 or expected not in result.stdout:
        raise SmokeTestError(f"--version: expected {expected!r}, got {result!r}")


def fetch(url: str) -> tuple[int, str] | None:
    """GET ``url``; return (status, body), or None if nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:  # it answered, with an error page
        return error.code, error.read().decode("utf-8", "replace")
    except OSError:  # refused, reset or timed out: not up yet
        return None


def python_files_mapped(pid: int) -> list[str]:
    """Return files of the build machine's Python that process ``pid`` has loaded (Linux)."""
    maps = Path(f"/proc/{pid}/maps")
    if not maps.exists():
        return []
    prefixes = {str(Path(p).resolve()) for p in (sys.base_prefix, sys.prefix, ROOT / ".venv")}
    mapped = {line.split(maxsplit=5)[-1] for line in maps.read_text().splitlines()}
    return sorted(path for path in mapped if path.startswith(tuple(prefixes)))


def wait_until_serving(process: subprocess.Popen, url: str, database: Path) -> str:
    """Poll until the app has its database and serves the login page; return the page."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SmokeTestError(f"the app exited with status {process.returncode} at start-up")
        answer = fetch(url)
        if answer is not None:
            status, body = answer
            if status != 200 or LOGIN_TEXT not in body:
                raise SmokeTestError(f"GET {url}: status {status}, no {LOGIN_TEXT!r} in the page")
            if database.exists():
                return body
        time.sleep(0.2)
    raise SmokeTestError(f"no login page at {url} and database {database} within {START_TIMEOUT}s")


def stop(process: subprocess.Popen) -> int:
    """Ask the app to quit (SIGTERM); kill it after QUIT_TIMEOUT. Return its exit status."""
    process.terminate()
    try:
        return process.wait(QUIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise SmokeTestError(f"SIGTERM ignored for {QUIT_TIMEOUT} s: killed") from None


def smoke_test(exe: Path) -> None:
    """Start the built app as a user would, with no Python around; raise SmokeTestError."""
    with tempfile.TemporaryDirectory(prefix="session-lab-smoke-") as tmp:
        tmp_path = Path(tmp)
        home, cwd, data = tmp_path / "home", tmp_path / "cwd", tmp_path / "data"
        for folder in (home, cwd):
            folder.mkdir()
        env = scrubbed_env(home)
        check_version(exe, env, cwd)

        port = free_port()
        output = tmp_path / "output.txt"
        command = [str(exe), "--data-dir", str(data), "--store", "sqlite", "--port", str(port)]
        # Shared, the app starts its class server as a second process of itself (Linux answers
        # on all of 127.0.0.0/8; elsewhere 127.0.0.2 may not exist).
        shared = sys.platform.startswith("linux")
        if shared:
            command += ["--share", SHARED_ADDRESS]
        with output.open("w") as out:
            process = subprocess.Popen(
                command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=out
            )
        try:
            url = f"http://127.0.0.1:{port}{LOGIN_PATH}"
            wait_until_serving(process, url, data / "sessions.sqlite3")
            if shared:
                wait_until_serving(
                    process,
                    f"http://{SHARED_ADDRESS}:{port}{LOGIN_PATH}",
                    data / "sessions.sqlite3",
                )
            leaked = python_files_mapped(process.pid)
            if leaked:
                raise SmokeTestError(f"the app loaded the build machine's Python: {leaked}")
            status = stop(process)
            # Windows has no SIGTERM: terminate() kills outright there, so the status says nothing.
            if sys.platform != "win32" and status != 0:
                raise SmokeTestError(f"the app exited with status {status} on SIGTERM")
        except SmokeTestError as error:
            if process.poll() is None:
                process.kill()
                process.wait()
            logs = "".join(p.read_text(errors="replace") for p in home.rglob("*.log"))
            raise SmokeTestError(f"{error}\n--- output ---\n{output.read_text()}{logs}") from None


def main(argv: list[str] | None = None) -> int:
    """Build (unless ``--no-build``), smoke-test, print time and size; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="smoke-test an existing build")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's scratch")
    args = parser.parse_args(argv)

    app_dir = args.dist / NAME
    if not args.no_build:
        try:
            import PyInstaller  # noqa: F401
        except ImportError:
            parser.error("no PyInstaller: uv run --group package python " + __file__)
        started = time.monotonic()
        build(args.dist, args.work)
        print(f"built {app_dir} in {time.monotonic() - started:.0f} s")
    print(f"size: {folder_size(app_dir) / 2**20:.0f} MiB")

    started = time.monotonic()
    try:
        smoke_test(executable(app_dir))
    except SmokeTestError as error:
        print(f"smoke test FAILED: {error}", file=sys.stderr)
        return 1
    print(f"smoke test passed in {time.monotonic() - started:.1f} s: {executable(app_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
