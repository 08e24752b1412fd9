"""HSTS only for the lab's browser: the real header is never sent, for localhost above all."""

from __future__ import annotations

import pytest
from flask import request
from helpers import LOGIN, SECURED

from server.lab_hsts import LAB_HEADER, REAL_HEADER

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
PATHS = ["/", LOGIN, SECURED, "/app_sessions/logout/", "/no-such-page/"]


@pytest.mark.parametrize("app_config", [{"LAB_HSTS_SECONDS": 600}], indirect=True)
@pytest.mark.parametrize("base", ["http://localhost", "https://localhost", "https://127.0.0.1"])
@pytest.mark.parametrize("path", PATHS)
def test_no_answer_ever_carries_the_real_header(client, base, path):
    answer = client.get(path, base_url=base, headers={"User-Agent": CHROME})
    assert REAL_HEADER not in answer.headers
    expected = "max-age=600" if base.startswith("https") else None
    assert answer.headers.get(LAB_HEADER) == expected


def test_the_lab_header_is_off_until_the_switch(client):
    answer = client.get(LOGIN, base_url="https://127.0.0.1")
    assert LAB_HEADER not in answer.headers and REAL_HEADER not in answer.headers


@pytest.mark.parametrize("app_config", [{"LAB_HSTS_SECONDS": 600}], indirect=True)
@pytest.mark.parametrize("base", ["http://localhost", "https://localhost", "https://127.0.0.1"])
def test_the_real_header_is_taken_out_even_when_a_view_or_a_later_hook_sets_it(app, base):
    # A route or an extension added later (a talisman-like one) must not get HSTS to a real
    # browser for localhost either: the lab's hook runs last and removes it.
    @app.route("/sets-hsts/")
    def sets_hsts():
        return "", 204, {REAL_HEADER: "max-age=31536000; includeSubDomains"}

    @app.after_request
    def adds_hsts(response):
        if request.path == "/":
            response.headers[REAL_HEADER] = "max-age=31536000"
        return response

    client = app.test_client()
    for path in ("/sets-hsts/", "/"):
        answer = client.get(path, base_url=base, headers={"User-Agent": CHROME})
        assert REAL_HEADER not in answer.headers
        expected = "max-age=600" if base.startswith("https") else None
        assert answer.headers.get(LAB_HEADER) == expected
