"""``SESSION_LAB_*`` variables configure a server that a WSGI server starts with create_app()."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from helpers import SessionActions
from visitors import ClientTransport

from server import close_app, create_app, lab_state
from server.env_config import ConfigError, config_from_env, env_names


def test_every_variable_reaches_its_setting(tmp_path):
    config = config_from_env(
        {
            "SESSION_LAB_STORE": "memory",
            "SESSION_LAB_REDIS_URL": "redis://cache:6379/2",
            "SESSION_LAB_DATA_DIR": str(tmp_path),
            "SESSION_LAB_SECRET_KEY_FILE": str(tmp_path / "key"),
            "SESSION_LAB_IDLE_LIFETIME": "120",
            "SESSION_LAB_ABSOLUTE_LIFETIME": " 600 ",
            "SESSION_LAB_COOKIE_NAME": "labid",
            "SESSION_LAB_SECURE_COOKIE": "true",
            "SESSION_LAB_ALLOWED_HOSTS": "lab.school.example, Web2",
            "PATH": "/usr/bin",
        }
    )
    assert config == {
        "SESSION_STORE": "memory",
        "REDIS_URL": "redis://cache:6379/2",
        "DATA_DIR": tmp_path,
        "SECRET_KEY_FILE": tmp_path / "key",
        "SESSION_IDLE_LIFETIME": 120,
        "SESSION_ABSOLUTE_LIFETIME": 600,
        "SESSION_COOKIE_NAME": "labid",
        "SESSION_COOKIE_SECURE": True,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]", "lab.school.example", "web2"],
    }


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SESSION_LAB_STORE", "mongodb", "choose one of sqlite, memory, cookie, redis"),
        ("SESSION_LAB_IDLE_LIFETIME", "soon", "invalid literal"),
        ("SESSION_LAB_ABSOLUTE_LIFETIME", "0", "positive number of seconds"),
        ("SESSION_LAB_SECURE_COOKIE", "maybe", "write 1 or 0"),
        ("SESSION_LAB_REDIS_URL", "", "is empty"),
    ],
)
def test_an_unusable_value_names_its_variable(name, value, says):
    with pytest.raises(ConfigError) as caught:
        config_from_env({name: value})
    assert str(caught.value).startswith(f"{name}={value!r}: ")
    assert says in str(caught.value)


def test_a_misspelt_variable_is_logged_not_fatal(caplog):
    with caplog.at_level(logging.WARNING):
        assert config_from_env({"SESSION_LAB_STOR": "redis"}) == {}
    assert "ignoring SESSION_LAB_STOR" in caplog.text
    assert "SESSION_LAB_STORE" in env_names()


def test_create_app_without_a_mapping_reads_the_environment(tmp_path, monkeypatch):
    key_file = tmp_path / "shared-key"
    key_file.write_text("s" * 64 + "\n")
    monkeypatch.setenv("SESSION_LAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SESSION_LAB_SECRET_KEY_FILE", str(key_file))
    monkeypatch.setenv("SESSION_LAB_IDLE_LIFETIME", "90")
    app = create_app()
    assert app.config["SECRET_KEY"] == "s" * 64
    assert app.config["SESSION_IDLE_LIFETIME"] == 90
    assert lab_state(app).data_dir == tmp_path / "data"
    assert not (tmp_path / "data" / "secret_key").exists()  # the shared key is used instead
    assert SessionActions(ClientTransport(app)).login("alice").status_code == 302
    close_app(app)


@pytest.mark.parametrize(("content", "says"), [(None, "cannot read"), ("short", "5 characters")])
def test_a_missing_or_weak_key_file_is_refused(tmp_path, monkeypatch, content, says):
    key_file = Path(tmp_path / "key")
    if content is not None:
        key_file.write_text(content)
    monkeypatch.setenv("SESSION_LAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SESSION_LAB_SECRET_KEY_FILE", str(key_file))
    with pytest.raises(ConfigError, match=says):
        create_app()
