"""An unusable or guessable secret key is replaced (the old one kept aside), with a notice."""

from __future__ import annotations

import os
import stat

import pytest

from server import create_app, lab_state
from server.secret_key import KEY_FILE_NAME, MIN_KEY_LENGTH, load_or_create_secret_key


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(b"\xff\xfe\x00garbage", "not text", id="undecodable"),
        pytest.param(b"\n", "empty", id="empty"),
        pytest.param(b"changeme\n", "only 8 characters long", id="short"),
    ],
)
def test_an_unusable_key_is_moved_aside_and_replaced(tmp_path, content, problem):
    path = tmp_path / KEY_FILE_NAME
    path.write_bytes(content)
    path.chmod(0o600)
    app = create_app({"DATA_DIR": tmp_path})
    [notice] = lab_state(app).notices
    [moved] = tmp_path.glob(f"{KEY_FILE_NAME}.unusable-*")
    assert problem in notice and str(moved) in notice
    assert moved.read_bytes() == content  # kept, for whoever wants to look
    assert len(app.secret_key) >= MIN_KEY_LENGTH
    assert path.read_text().strip() == app.secret_key


@pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")
def test_a_world_readable_key_is_tightened_and_kept(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    (tmp_path / KEY_FILE_NAME).chmod(0o644)
    again = load_or_create_secret_key(tmp_path)
    assert again.key == first.key
    assert stat.S_IMODE((tmp_path / KEY_FILE_NAME).stat().st_mode) == 0o600
    [notice] = again.notices
    assert "could be read by other users" in notice


def test_a_good_key_is_used_without_a_word(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    assert first.notices == []
    assert load_or_create_secret_key(tmp_path) == first
