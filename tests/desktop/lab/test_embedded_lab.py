"""The lab starts whatever its surroundings: busy ports, odd data directories, other instances."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys

import pytest
import requests
from helpers import LOGIN, browser_login

from desktop.lab.embedded_lab import Lab
from desktop.lab.start_and_stop import start_on_any_port_if_busy
from server.runner import EmbeddedServer


def get(url: str) -> requests.Response:
    with requests.Session() as http:
        http.trust_env = False
        return http.get(url, timeout=5)


def test_a_busy_pinned_port_is_replaced_by_a_free_one(tmp_path, busy_port):
    lab = Lab(data_dir=tmp_path, port=busy_port)
    try:
        lab.start()
        assert lab.server.port != busy_port
        assert f"Port {busy_port} was busy" in lab.notices[0]
        assert get(lab.url + LOGIN).status_code == 200
    finally:
        lab.close()


@pytest.mark.parametrize("pinned", [True, False])
def test_a_busy_pinned_port_gives_way_with_a_notice_naming_who_moved(busy_port, pinned):
    server = EmbeddedServer(lambda environ, start_response: [], port=busy_port if pinned else 0)
    notices: list[str] = []
    try:
        url = start_on_any_port_if_busy(server, "the widget", notices)
        assert url == server.url and server.port != busy_port
        if pinned:
            assert len(notices) == 1 and notices[0].startswith(f"Port {busy_port} was busy (")
            assert notices[0].endswith(f"); the widget took port {server.port}.")
        else:
            assert notices == []
    finally:
        server.stop()


def test_a_rebuilt_lab_keeps_its_configuration_but_names_its_store_anew(tmp_path):
    lab = Lab(store="memory", data_dir=tmp_path, extra_config={"SESSION_IDLE_LIFETIME": 42})
    carried = lab.carried_config()
    assert carried["SESSION_IDLE_LIFETIME"] == 42 and carried["SESSION_REFRESH_INTERVAL"] == 0
    assert "SESSION_STORE" not in carried and "DATA_DIR" not in carried
    again = lab.rebuilt(store="sqlite")
    try:
        assert again.config["SESSION_STORE"] == "sqlite" and again.config["DATA_DIR"] == tmp_path
        assert again.config["SESSION_IDLE_LIFETIME"] == 42
    finally:
        again.close()
        lab.close()


def test_a_free_pinned_port_is_used(tmp_path, busy_port):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    lab = Lab(data_dir=tmp_path, port=port)
    try:
        assert lab.start() == f"http://127.0.0.1:{port}"
        assert lab.notices == []
    finally:
        lab.close()


def test_a_missing_data_directory_is_created(tmp_path):
    data_dir = tmp_path / "not" / "there" / "yet"
    lab = Lab(data_dir=data_dir)
    try:
        assert lab.state.store_name == "sqlite"
        assert (data_dir / "sessions.sqlite3").exists()
    finally:
        lab.close()


def test_a_read_only_data_directory_falls_back_to_memory(read_only_dir):
    lab = Lab(data_dir=read_only_dir)
    try:
        lab.start()
        assert lab.state.store_name == "memory"
        assert "sessions are kept in memory" in " ".join(lab.notices)
        with requests.Session() as http:
            http.trust_env = False
            assert browser_login(http, lab.url).status_code == 302
        assert [r.data.get("userid") for r in lab.sessions()] == ["alice"]
        assert list(read_only_dir.iterdir()) == []
    finally:
        lab.close()


def test_a_corrupt_database_is_moved_aside_and_replaced(tmp_path):
    database = tmp_path / "sessions.sqlite3"
    database.write_bytes(b"this is not an SQLite database, it is a student's essay" * 100)
    lab = Lab(data_dir=tmp_path)
    try:
        lab.start()
        moved = list(tmp_path.glob("sessions.sqlite3.corrupt-*"))
        assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not")
        assert "damaged" in " ".join(lab.notices)
        with requests.Session() as http:
            http.trust_env = False
            assert browser_login(http, lab.url).status_code == 302
    finally:
        lab.close()


def test_a_second_instance_shares_the_store_safely(tmp_path):
    first = Lab(data_dir=tmp_path)
    other = subprocess.Popen(
        [sys.executable, "-m", "server", "--port", "0", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        first.start()
        line = other.stdout.readline()
        other_url = line.split(" on ", 1)[1].split("/app_sessions")[0]
        assert other_url != first.url
        with requests.Session() as http:
            http.trust_env = False
            assert browser_login(http, other_url, "bob").status_code == 302
            # The other process wrote the session; this one reads the same store and key.
            assert "bob" in [r.data.get("userid") for r in first.sessions()]
            page = http.get(first.url + "/app_sessions/secured_page/", timeout=5)
            assert "Welcome USER: bob !" in page.text
    finally:
        other.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            other.wait(5)
        other.stdout.close()
        first.close()


def test_restart_after_a_stop_serves_again_on_the_same_port(tmp_path):
    lab = Lab(data_dir=tmp_path)
    try:
        url = lab.start()
        lab.stop()
        assert lab.restart() == url
        assert get(url + LOGIN).status_code == 200
    finally:
        lab.close()
