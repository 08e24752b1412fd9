"""Fixtures for the server's failure tests: small file systems that fill up or turn read-only."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import requests


class Tmpfs:
    """A small tmpfs mounted for one test (root only), to fill up or remount read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def remount(self, options: str) -> None:
        """Remount with ``options`` (``ro`` or ``rw``)."""
        subprocess.run(["mount", "-o", f"remount,{options}", str(self.path)], check=True)

    def fill(self) -> Path:
        """Write a file until the file system is full; return it (delete it to free the space)."""
        filler = self.path / "filler"
        with filler.open("wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError:  # ENOSPC: full
                pass
        return filler


@pytest.fixture
def tmpfs(tmp_path):
    """A 1 MiB tmpfs; skipped where it cannot be mounted, except in CI, where that fails."""
    folder = tmp_path / "tmpfs"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs here (root is needed): {mounted.stderr.decode().strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield Tmpfs(folder)
    subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.fixture
def http():
    """A ``requests`` session that ignores proxy settings; closed afterwards."""
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()
