"""The secret key that signs cookies and CSRF tokens: made on first run, kept owner-readable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "secret_key"


def load_or_create_secret_key(data_dir: Path) -> str:
    """Return the key stored in ``data_dir``, creating it (mode 0600) on first run.

    Raises OSError when the directory cannot be read or written; two processes starting at
    once agree on one key, since only one of them can create the file.
    """
    path = Path(data_dir) / KEY_FILE_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        raise OSError(f"{path} is empty; delete it to have a new key made") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def replace_secret_key(data_dir: Path | None) -> str:
    """Make a new key, store it in ``data_dir`` (when given) and return it.

    Everything signed with the old key (cookie sessions, CSRF tokens) stops being accepted.
    """
    key = secrets.token_hex(32)
    if data_dir is not None:
        path = Path(data_dir) / KEY_FILE_NAME
        staging = path.with_name(KEY_FILE_NAME + ".new")
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
        staging.replace(path)
    return key
