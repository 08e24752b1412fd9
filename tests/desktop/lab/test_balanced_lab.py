"""Two lab servers behind the balancer: lost logins, sticky sessions, restarts, a shared store."""

from __future__ import annotations

import socket
import threading

import pytest
from helpers import LOGIN, SECURED, browser_login

from desktop.lab.balanced_lab import BalancedLab, behind_balancer
from desktop.lab.embedded_lab import Lab
from server.balancer import SERVER_HEADER, STICKY_COOKIE
from server.events import ALL_SIGNALS
from server.runner import ServerStartError


@pytest.fixture
def balanced(tmp_path):
    lab = BalancedLab(store="memory", data_dir=tmp_path / "data")
    lab.start()
    yield lab
    lab.close()


def welcomed(http, lab) -> tuple[str, bool]:
    page = http.get(lab.url + SECURED, timeout=10)
    return page.headers[SERVER_HEADER], "Welcome USER: alice" in page.text


def test_the_lab_address_is_the_balancer_and_it_says_so(balanced, http):
    assert balanced.url == balanced.front.url != balanced.server.url
    assert balanced.address_label.startswith(f"Load balancer: {balanced.url} → servers A :")
    answered = [http.get(balanced.url + LOGIN, timeout=10).headers[SERVER_HEADER] for _ in "xyz"]
    assert answered == ["A", "B", "A"]


def test_each_memory_store_knows_only_its_own_sessions(balanced, http):
    http.get(balanced.url + LOGIN, timeout=10)  # A makes the form's session
    http.get(balanced.url + LOGIN, timeout=10)  # B makes another
    assert len(balanced.sessions()) == 2
    assert balanced.app.secret_key == balanced.app_b.secret_key  # one key file


def test_sticky_holds_the_login_until_that_server_restarts(balanced, http):
    balanced.sticky = True
    assert browser_login(http, balanced.url).status_code == 302
    pinned = http.cookies[STICKY_COOKIE]
    assert welcomed(http, balanced) == (pinned, True)
    balanced.restart_backend(pinned)
    assert welcomed(http, balanced) == (pinned, False)


def test_a_shared_store_keeps_the_login_on_both_servers(tmp_path, http):
    lab = BalancedLab(store="sqlite", data_dir=tmp_path / "data")
    lab.start()
    try:
        assert browser_login(http, lab.url).status_code == 302  # form from A, POST to B
        assert {welcomed(http, lab) for _ in range(2)} == {("A", True), ("B", True)}
        lab.restart_backend("A")  # the file outlives the process
        assert {welcomed(http, lab) for _ in range(2)} == {("A", True), ("B", True)}
        assert len(lab.sessions()) == 1
    finally:
        lab.close()


def test_the_window_follows_both_servers_events_each_once(balanced, http):
    seen = []

    def receive(sender, event):
        seen.append((sender, event.kind))

    apps = (balanced.app, *balanced.more_apps)
    for app in apps:
        ALL_SIGNALS["created"].connect(receive, sender=app, weak=False)
    try:
        http.get(balanced.url + LOGIN, timeout=10)
        http.get(balanced.url + LOGIN, timeout=10)
    finally:
        for app in apps:
            ALL_SIGNALS["created"].disconnect(receive, sender=app)
    assert seen == [(balanced.app, "created"), (balanced.app_b, "created")]
    assert Lab.more_apps.fget(balanced) == ()  # a one-server lab follows its app only


def test_a_stopped_server_is_skipped_and_started_again(balanced, http):
    balanced.stop_backend("A")
    assert {http.get(balanced.url + LOGIN, timeout=10).headers[SERVER_HEADER] for _ in "xy"} == {
        "B"
    }
    balanced.start_backend("A")
    answered = {http.get(balanced.url + LOGIN, timeout=10).headers[SERVER_HEADER] for _ in "xy"}
    assert answered == {"A", "B"}


def session_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("session-server")]


def test_stop_ends_every_thread_and_a_rebuild_takes_the_same_ports(tmp_path, http):
    before = set(session_threads())
    lab = BalancedLab(store="memory", data_dir=tmp_path / "data", sticky=True)
    lab.start()
    http.get(lab.url + LOGIN, timeout=10)
    ports = (lab.front.port, lab.server.port, lab.server_b.port)
    assert lab.stop()
    lab.close()
    assert set(session_threads()) <= before
    again = lab.rebuilt()
    again.start()
    try:
        assert (again.front.port, again.server.port, again.server_b.port) == ports
        assert again.sticky
    finally:
        again.close()
    assert set(session_threads()) <= before


def test_a_lab_whose_server_b_cannot_start_leaves_nothing_running(tmp_path):
    before = set(session_threads())
    with socket.create_server(("127.0.0.1", 0)) as busy:
        lab = BalancedLab(data_dir=tmp_path / "data", server_ports=(0, busy.getsockname()[1]))
        with pytest.raises(ServerStartError):
            lab.start()
        try:
            assert not lab.server.running and not lab.front.running
            assert set(session_threads()) <= before
            with socket.create_server(("127.0.0.1", lab.server.port)):
                pass  # A's port is free again
        finally:
            lab.close()


def test_a_busy_balancer_port_gives_way_with_a_notice(tmp_path, busy_port, http):
    lab = BalancedLab(data_dir=tmp_path / "data", port=busy_port)
    try:
        assert lab.start() == lab.url and lab.front.port != busy_port
        assert f"the balancer took port {lab.front.port}." in lab.notices[-1]
        assert http.get(lab.url + LOGIN, timeout=10).status_code == 200
    finally:
        lab.close()


def test_the_configuration_goes_behind_the_balancer_and_back(tmp_path):
    lab = Lab(store="memory", data_dir=tmp_path, extra_config={"SESSION_IDLE_LIFETIME": 42})
    labs = [lab]
    labs.append(behind_balancer(labs[-1]))
    labs.append(labs[-1].rebuilt(store="sqlite"))
    labs.append(labs[-1].unbalanced())
    try:
        assert [each.config["SESSION_IDLE_LIFETIME"] for each in labs] == [42] * 4
        assert [each.config["DATA_DIR"] for each in labs] == [tmp_path] * 4
        assert [each.config["SESSION_STORE"] for each in labs] == ["memory"] * 2 + ["sqlite"] * 2
    finally:
        for each in labs:
            each.close()


def test_the_lab_goes_behind_the_balancer_and_back_on_its_own_address(tmp_path):
    lab = Lab(store="sqlite", data_dir=tmp_path / "data")
    lab.start()
    port = lab.server.port
    lab.close()
    balanced = behind_balancer(lab, sticky=True)
    balanced.start()
    assert balanced.front.port == port and balanced.sticky
    assert balanced.state.store_name == "memory"
    balanced.close()
    plain = balanced.unbalanced(store="sqlite")
    assert type(plain) is Lab
    plain.start()
    try:
        assert plain.server.port == port
    finally:
        plain.close()


def test_sharing_is_refused_while_balanced(balanced):
    with pytest.raises(ValueError, match="load balancer"):
        balanced.share_on("127.0.0.2")


def test_https_waits_while_balanced_and_comes_back_after(tmp_path):
    lab = Lab(store="sqlite", data_dir=tmp_path / "data", https=True)
    lab.start()
    assert lab.https_url is not None
    lab.close()
    balanced = behind_balancer(lab)
    balanced.start()
    try:
        assert balanced.https_url is None  # https would bypass the balancer
        with pytest.raises(ServerStartError, match="balancer"):
            balanced.serve_https(True)
    finally:
        balanced.close()
    again = balanced.rebuilt()  # as a restart makes it, then back to one server
    plain = again.unbalanced()
    again.close()
    plain.start()
    try:
        assert plain.https_url is not None and plain.certificate is lab.certificate
    finally:
        plain.close()


def test_the_window_s_bridge_hears_each_server_once(qtbot, balanced, http):
    from PySide6.QtCore import QCoreApplication

    from desktop.lab.event_bridge import ServerEventBridge

    bridge = ServerEventBridge(balanced.app, None, balanced.more_apps)
    heard = []
    bridge.session_event.connect(lambda event: heard.append(event.kind))
    try:
        http.get(balanced.url + LOGIN, timeout=10)  # A
        http.get(balanced.url + LOGIN, timeout=10)  # B
        # Both servers published before answering: every emission is queued by now.
        QCoreApplication.processEvents()
        assert heard == ["created", "created"]
    finally:
        bridge.disconnect_app()
