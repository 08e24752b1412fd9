"""The lab over https too: its own CA, a second port, kept across restarts, clear failures."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time

import pytest
import requests
from helpers import LOGIN, SECURED, poll_until

from desktop.lab.embedded_lab import Lab
from desktop.lab.https_settings import set_hsts, set_secure_cookie
from desktop.lab.start_and_stop import STOP_TIMEOUT
from server.lab_hsts import LAB_HEADER, REAL_HEADER

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def browser(lab: Lab) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = lab.ca_file
    return session


def test_the_same_app_answers_over_https_with_a_certificate_of_the_lab_s_own_ca(https_lab):
    assert https_lab.https_url.startswith("https://127.0.0.1:")
    assert https_lab.https.port != https_lab.server.port
    http = browser(https_lab)
    page = http.get(https_lab.https_url + LOGIN, timeout=10)
    assert page.status_code == 200 and "csrf_token" in page.text
    # Cookies name no port: the session the https page made is the http page's too.
    assert http.get(https_lab.url + LOGIN, timeout=10).cookies.get("sessionid") is None
    assert len(https_lab.sessions()) == 1
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(https_lab.https_url + LOGIN, timeout=10)  # the system's CAs only


def test_a_secure_cookie_is_set_over_https(https_lab):
    set_secure_cookie(https_lab, True)
    answer = browser(https_lab).get(https_lab.https_url + LOGIN, timeout=10)
    assert "; Secure" in answer.headers["Set-Cookie"]


def test_hsts_goes_only_in_the_lab_s_header_even_to_a_real_browser(https_lab):
    set_hsts(https_lab, True)
    http = browser(https_lab)
    for url in (https_lab.https_url, https_lab.url):
        for path in ("/", LOGIN, SECURED, "/nothing-here/"):
            answer = http.get(url + path, headers={"User-Agent": CHROME}, timeout=10)
            assert REAL_HEADER not in answer.headers
            assert (LAB_HEADER in answer.headers) == url.startswith("https")


def test_a_restart_keeps_the_https_port_and_the_certificate(https_lab):
    url, ca = https_lab.https_url, https_lab.ca_file
    https_lab.restart()
    assert https_lab.https_url == url
    again = https_lab.rebuilt()
    https_lab.close()
    again.start()
    try:
        assert (again.https_url, again.ca_file) == (url, ca)
        assert browser(again).get(again.https_url + LOGIN, timeout=10).status_code == 200
    finally:
        again.close()


def test_https_off_stops_the_second_port(https_lab):
    url = https_lab.https_url
    assert https_lab.serve_https(False) is None
    assert https_lab.https_url is None and not https_lab.https_wanted
    with pytest.raises(requests.ConnectionError):
        browser(https_lab).get(url + LOGIN, timeout=5)
    assert https_lab.serve_https(True) == url  # the same port again
    front = https_lab.https.front
    assert https_lab.serve_https(True) == url and https_lab.https.front is front  # no restart


def test_a_busy_https_port_falls_back_to_a_free_one_with_a_notice(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        busy = taken.getsockname()[1]
        lab = Lab(data_dir=tmp_path / "data", https=True, https_port=busy)
        lab.start()
        try:
            assert lab.https_url is not None and lab.https.port != busy
            assert any(f"Port {busy} was busy" in notice for notice in lab.notices)
        finally:
            lab.close()


def test_a_ca_that_cannot_be_written_leaves_the_lab_on_http_with_a_notice(tmp_path, monkeypatch):
    lab = Lab(data_dir=tmp_path / "data", https=True)

    def unwritable(directory):
        raise PermissionError(13, "Permission denied", str(directory))

    monkeypatch.setattr("desktop.lab.sharing_and_https.make_certificate", unwritable)
    lab.start()
    try:
        assert lab.server.running and lab.https_url is None
        assert any("could not serve over https" in notice for notice in lab.notices)
    finally:
        lab.close()


def test_https_stops_its_front_and_its_server_side_by_side(https_lab, monkeypatch):
    # Each stop waits until the other has begun: one after the other, the first waits alone.
    both_stopping = threading.Barrier(2, timeout=5)
    https = https_lab.https
    for part in (https.front, https.inner):

        def stop_when_both_stop(timeout, stop=part.stop):
            both_stopping.wait()
            return stop(timeout)

        monkeypatch.setattr(part, "stop", stop_when_both_stop)
    assert https.stop(STOP_TIMEOUT)
    assert not https.front.running and not https.inner.running


def test_the_lab_stops_within_the_window_s_2_s_with_https_clients_half_way(https_lab):
    address = ("127.0.0.1", https_lab.https.port)
    handshaking = socket.create_connection(address)  # never starts its handshake
    context = ssl.create_default_context(cafile=str(https_lab.ca_file))
    requesting = context.wrap_socket(socket.create_connection(address), server_hostname=address[0])
    requesting.sendall(b"GET " + LOGIN.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    front = https_lab.https.front
    # Both clients and one connection upstream.
    poll_until(lambda: len(front._open) == 3, 10, "the front holds both clients", every=0.01)
    started = time.monotonic()
    assert https_lab.stop()
    # The window stops the lab as it closes, and its whole shutdown must fit in 2 s.
    assert time.monotonic() - started < 2.0
    assert handshaking.recv(1) == b""
    with contextlib.suppress(OSError):  # a cut TLS connection may end with an error instead
        assert requesting.recv(1) == b""
    handshaking.close()
    requesting.close()
