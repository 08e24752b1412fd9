"""The rooms' import contracts in ``pyproject.toml`` hold, and they do catch a broken layer."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PROJECT

LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))

ROOMS = ("app", "window", "classroom", "inspectors", "browser", "lab", "ui")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the tree at ``root`` with the project's contracts."""
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", str(PROJECT / "pyproject.toml")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_contracts_are_kept():
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_room_says_what_lives_there_and_what_it_may_import():
    for room in ROOMS:
        doc = (PROJECT / "desktop" / room / "__init__.py").read_text(encoding="utf-8")
        assert "import" in doc, room  # the second line names what the room may import


# Each line breaks one contract: an upward import (even one for type checkers only), Qt in a
# plain-Python module, a cycle between two modules of one room.
BREAKS = [
    pytest.param(
        "desktop/inspectors/narration.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import desktop.window.menus\n",
        "desktop.inspectors is not allowed to import desktop.window",
        id="upward-type-checking-import",
    ),
    pytest.param(
        "desktop/browser/cookie_policy.py",
        "import PySide6.QtCore\n",
        "desktop.browser.cookie_policy is not allowed to import PySide6",
        id="qt-in-plain-python",
    ),
    pytest.param(
        "desktop/browser/page_parser.py",
        "import desktop.browser.browser_client\n",
        "No cycles are allowed in desktop.browser",
        id="cycle-inside-a-room",
    ),
]


@pytest.mark.parametrize(("module", "line", "complaint"), BREAKS)
def test_a_broken_contract_is_reported(tmp_path, module, line, complaint):
    for package in ("desktop", "server"):
        shutil.copytree(
            PROJECT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    with (tmp_path / module).open("a", encoding="utf-8") as source:
        source.write("\n" + line)
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert complaint in result.stdout
