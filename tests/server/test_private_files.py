"""Session ids and the key stay private: 0700 for the data directory, 0600 for what it holds."""

from __future__ import annotations

import os
import stat

import pytest
from helpers import SessionActions
from visitors import ClientTransport

from server import create_app, lab_state
from server.secret_key import KEY_FILE_NAME

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")

FILES = ["sessions.sqlite3", "sessions.sqlite3-wal", "sessions.sqlite3-shm", KEY_FILE_NAME]


def mode(path) -> int:
    """Return the permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_private_from_the_moment_they_exist(tmp_path):
    data_dir = tmp_path / "data"
    old_umask = os.umask(0o022)  # the usual umask: files would be 0644 unless made private
    try:
        app = create_app({"DATA_DIR": data_dir})
        SessionActions(ClientTransport(app)).login("alice")  # the WAL now holds a session
    finally:
        os.umask(old_umask)
    assert mode(data_dir) == 0o700
    for name in FILES:
        assert (data_dir / name).exists(), name
        assert mode(data_dir / name) == 0o600, name
    assert lab_state(app).notices == []


def test_files_found_open_are_tightened_with_a_notice(tmp_path):
    data_dir = tmp_path / "data"
    create_app({"DATA_DIR": data_dir}).session_interface.store.close()
    data_dir.chmod(0o755)
    for name in FILES:
        (data_dir / name).touch()
        (data_dir / name).chmod(0o644)
    app = create_app({"DATA_DIR": data_dir})
    notices = lab_state(app).notices
    assert mode(data_dir) == 0o700
    for name in FILES:
        assert mode(data_dir / name) == 0o600, name
        assert any(str(data_dir / name) in notice for notice in notices), name
    assert any("could be read by other users (mode 755)" in notice for notice in notices)
