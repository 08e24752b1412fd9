"""Every page carries headers at least as strict as Django's defaults, and no server versions."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
import requests
from helpers import LOGIN, LOGOUT, SECURED

from server.security_headers import content_security_policy

DJANGO_DEFAULTS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

PAGES = ["/", LOGIN, SECURED, LOGOUT, "/no/such/page/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_framing_sniffing_and_leaking_the_referrer(client, path):
    response = client.get(path)
    for name, value in DJANGO_DEFAULTS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert "form-action 'self'" in csp
    assert "script-src" not in csp  # nothing runs scripts: default-src 'none' forbids them


def test_the_csp_allows_exactly_the_pages_inline_style(app, client):
    html = client.get(LOGIN).text
    [style] = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in content_security_policy(app)


def test_pages_that_read_or_set_the_session_are_never_cached(actions, client):
    assert client.get(LOGIN).headers["Cache-Control"] == "no-store"  # sets the cookie
    actions.login("alice")
    assert client.get(SECURED).headers["Cache-Control"] == "no-store"  # reads the session
    assert client.get(LOGOUT).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("app_config", [{"SESSION_STORE": "cookie"}], indirect=True)
def test_the_cookie_store_forbids_caching_too(actions, client):
    response = client.get(LOGIN)
    assert "Set-Cookie" in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_the_real_server_names_no_versions(live_server):
    response = requests.get(live_server.url + LOGIN, timeout=10)
    server = response.headers["Server"]
    assert server == "waitress"
    assert not re.search(r"\d", server)
    assert "Werkzeug" not in response.text and "Python" not in server
