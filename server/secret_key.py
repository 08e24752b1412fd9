"""The secret key that signs cookies and CSRF tokens: made on first run, kept owner-readable.

A key that is undecodable, empty or shorter than :data:`MIN_KEY_LENGTH` characters is moved
aside and replaced, with a notice: a short key can be guessed offline from one signed cookie,
as the lab's weak-key switch shows on purpose (that switch is the only way to run with one).
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from server.private_files import tighten_existing

KEY_FILE_NAME = "secret_key"
MIN_KEY_LENGTH = 32


@dataclass
class LoadedKey:
    """The key, and what was done to the file to get a usable one."""

    key: str
    notices: list[str] = field(default_factory=list)


def load_or_create_secret_key(data_dir: Path) -> LoadedKey:
    """Return the key stored in ``data_dir``, creating it (mode 0600) on first run.

    Raises OSError when the directory cannot be read or written. The key is written to a
    private temporary file first and then linked into place, so another process never reads
    a half-written key, and two processes starting at once agree on the first one linked.
    """
    path = Path(data_dir) / KEY_FILE_NAME
    notices = tighten_existing(path)
    if path.exists():
        problem = _problem_with(path)
        if problem is not None:
            moved_to = path.with_name(f"{KEY_FILE_NAME}.unusable-{int(time.time())}")
            path.replace(moved_to)
            notices.append(
                f"The secret key {problem}; it was moved to {moved_to} and a new one made."
            )
    if not path.exists():
        staging = _write_private(path.with_name(f"{KEY_FILE_NAME}.{secrets.token_hex(8)}.new"))
        try:
            os.link(staging, path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            staging.unlink(missing_ok=True)
    return LoadedKey(path.read_text(encoding="ascii").strip(), notices)


def _problem_with(path: Path) -> str | None:
    try:
        key = path.read_text(encoding="ascii").strip()
    except UnicodeDecodeError:
        return "file held bytes that are not text"
    if not key:
        return "file was empty"
    if len(key) < MIN_KEY_LENGTH:
        return f"was only {len(key)} characters long (a guessable key; {MIN_KEY_LENGTH} at least)"
    return None


def _write_private(path: Path, key: str | None = None) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write((key or secrets.token_hex(32)) + "\n")
    return path


def replace_secret_key(data_dir: Path | None) -> str:
    """Make a new key, store it in ``data_dir`` (when given) and return it.

    Everything signed with the old key (cookie sessions, CSRF tokens) stops being accepted.
    """
    key = secrets.token_hex(32)
    if data_dir is not None:
        path = Path(data_dir) / KEY_FILE_NAME
        _write_private(path.with_name(KEY_FILE_NAME + ".new"), key).replace(path)
    return key
