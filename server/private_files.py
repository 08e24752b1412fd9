"""Files only their owner can read: the data directory (0700) and what it holds (0600).

Session ids and the secret key are credentials: another local user who reads them can replay a
session or forge a cookie. Files are created private (never created open, then narrowed), and
files found open are tightened, with a notice. POSIX only: on Windows the user's profile
folder already keeps other users out, and the mode bits mean something else.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_ENFORCED = os.name == "posix"


def _tighten(path: Path, mode: int) -> str | None:
    current = stat.S_IMODE(path.stat().st_mode)
    if not _ENFORCED or not current & 0o077:
        return None
    path.chmod(mode)
    return f"{path} could be read by other users (mode {current:o}); it is now {mode:o}."


def private_dir(path: Path) -> list[str]:
    """Create ``path`` (mode 0700) if missing, else tighten it; return notices. Raises OSError."""
    path = Path(path)
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=PRIVATE_DIR, exist_ok=True)
    notice = _tighten(path, PRIVATE_DIR)
    return [notice] if notice else []


def private_file(path: Path) -> list[str]:
    """Create ``path`` empty (mode 0600) if missing, else tighten it; return notices."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        return []
    except FileExistsError:
        if not path.is_file():
            return []  # a folder or a device: not ours to change; opening it will say why
        notice = _tighten(path, PRIVATE_FILE)
        return [notice] if notice else []


def tighten_existing(*paths: Path) -> list[str]:
    """Tighten each of ``paths`` that exists; return notices."""
    notices = []
    for path in paths:
        if Path(path).exists() and (notice := _tighten(Path(path), PRIVATE_FILE)):
            notices.append(notice)
    return notices
