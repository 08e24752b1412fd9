"""The secret key that signs cookies and CSRF tokens: made on first run, kept owner-readable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "secret_key"


def load_or_create_secret_key(data_dir: Path) -> str:
    """Return the key stored in ``data_dir``, creating it (mode 0600) on first run.

    Raises OSError when the directory cannot be read or written. The key is written to a
    private temporary file first and then linked into place, so another process never reads
    a half-written key, and two processes starting at once agree on the first one linked.
    """
    path = Path(data_dir) / KEY_FILE_NAME
    if not path.exists():
        staging = _write_private(path.with_name(f"{KEY_FILE_NAME}.{secrets.token_hex(8)}.new"))
        try:
            os.link(staging, path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            staging.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise OSError(f"{path} is empty; delete it to have a new key made")
    return key


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
