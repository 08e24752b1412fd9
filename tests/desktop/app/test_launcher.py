"""The double-click launcher: a valid freedesktop entry whose command really starts the app."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.app.launcher import desktop_exec, icon_path, install_linux_launcher, launch_command


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_installs_an_entry_and_an_icon(tmp_path):
    entry, icon = install_linux_launcher(tmp_path)
    assert entry == tmp_path / "applications" / "session-lab.desktop"
    assert icon.read_bytes() == icon_path().read_bytes()
    fields = read_entry(entry)
    assert fields["Name"] == "Session Lab"
    assert fields["Type"] == "Application"
    assert fields["Terminal"] == "false"
    assert fields["Icon"] == str(icon)
    program = fields["Exec"].split()[0].strip('"')
    assert os.access(program, os.X_OK)


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate is not installed (desktop-file-utils)",
)
def test_the_entry_passes_the_freedesktop_validator(tmp_path):
    entry, _ = install_linux_launcher(tmp_path)
    result = subprocess.run(
        ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_launch_command_starts_the_app(tmp_path):
    # The same command a double-click runs, asked only for its version (no window needed).
    result = subprocess.run(
        [*launch_command(), "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("session-lab ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["/usr/bin/session-lab"], "/usr/bin/session-lab"),
        (["/opt/my apps/python", "-m", "desktop"], '"/opt/my apps/python" -m desktop'),
        (["/x", 'quote"dollar$'], '/x "quote\\"dollar\\$"'),
        (["/x", "50%"], "/x 50%%"),
    ],
)
def test_exec_quoting_follows_the_desktop_entry_rules(args, expected):
    assert desktop_exec(args) == expected


def test_the_icon_ships_with_the_package():
    assert icon_path().exists()
    assert icon_path().with_suffix(".svg").exists()
