"""The packaged build: PyInstaller makes a one-folder app that starts with no Python around.

Slow (a full build), so it runs only when asked:

    SESSION_LAB_BUILD_TEST=1 uv run pytest tests/test_packaging.py
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = ROOT / "packaging" / "build.py"
PYINSTALLER = "pyinstaller>=6.10"

pytestmark = pytest.mark.skipif(
    os.environ.get("SESSION_LAB_BUILD_TEST") != "1",
    reason="builds the app with PyInstaller (~30 s); "
    "run with SESSION_LAB_BUILD_TEST=1 uv run pytest tests/test_packaging.py",
)


def build_command() -> list[str]:
    """Return the command that runs the build script with PyInstaller available."""
    if importlib.util.find_spec("PyInstaller"):
        return [sys.executable, str(BUILD_SCRIPT)]
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail(f"needs PyInstaller in this environment, or uv to add it ({PYINSTALLER})")
    return [uv, "run", "--group", "package", "python", str(BUILD_SCRIPT)]


def test_build_makes_an_app_that_starts_without_python(tmp_path):
    dist = tmp_path / "dist"
    command = [*build_command(), "--dist", str(dist), "--work", str(tmp_path / "build")]

    result = subprocess.run(
        command, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    assert "smoke test passed" in result.stdout
    app = dist / "session-lab"
    assert (app / ("session-lab.exe" if sys.platform == "win32" else "session-lab")).is_file()
    assert (app / "_internal" / "server" / "templates" / "login.html").is_file()
    assert (app / "_internal" / "desktop" / "resources" / "session-lab.png").is_file()
