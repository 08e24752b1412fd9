"""``server/`` is plain Flask: importing all of it never loads Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, pkgutil, sys
{before}
import server
for module in pkgutil.iter_modules(server.__path__):
    importlib.import_module("server." + module.name)
server.create_app
print(sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt6")))
"""


@pytest.mark.parametrize(
    ("before", "expected"),
    [("", "[]"), ("import PySide6", "PySide6")],
    ids=["server-alone", "control-with-qt"],
)
def test_importing_server_loads_no_qt(before, expected):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(before=before)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    if expected == "[]":
        assert result.stdout.strip() == "[]"
    else:  # the probe does see Qt when it is there, so the check above can fail
        assert expected in result.stdout
