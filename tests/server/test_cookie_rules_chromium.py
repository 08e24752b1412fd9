"""Chromium and the lab's browser agree on the cookie rules: the cases of ``cookie_cases``.

Headless Chromium (Debian's, driven by Playwright) talks to a small Flask app served over
HTTP and HTTPS (a certificate from a local CA made by trustme) under the names ``lab.test`` and
``other.test``, both mapped to 127.0.0.1 by Chromium's resolver rules: unlike ``localhost``,
``http://lab.test`` is not a secure context, so Chromium applies the Secure rules as on a real
site. Each case is replayed in Chromium and in the lab's jar; both must match the table.

Headless Chromium blocks third-party cookies, as Chrome's Incognito does; the profile here
allows them, as Chrome's normal profile does, so that the SameSite rules are compared alone.
"""

from __future__ import annotations

import json
import os
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import trustme
from cookie_cases import (
    JAR,
    LAB_HOST,
    OTHER_HOST,
    OVERWRITE_CASES,
    SEND_CASES,
    STORE_CASES,
    OverwriteCase,
    SendCase,
    StoreCase,
    lab_keeps,
    lab_overwrite,
    lab_sends,
)
from flask import Flask, make_response, request
from playwright.sync_api import BrowserContext, sync_playwright
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 10_000
WAIT_S = TIMEOUT_MS / 1000
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


class Seen:
    """The requests /echo and /img saw; a test waits for one (the server's threads add them)."""

    def __init__(self) -> None:
        self._requests: list[tuple[str, str, str]] = []
        self._changed = threading.Condition()

    def append(self, seen: tuple[str, str, str]) -> None:
        """Note a request (path, method, Cookie header) and wake whoever waits."""
        with self._changed:
            self._requests.append(seen)
            self._changed.notify_all()

    def clear(self) -> None:
        """Forget what was seen."""
        with self._changed:
            self._requests.clear()

    def cookies_of(self, what: str, method: str, timeout: float) -> set[str]:
        """Wait for a ``method`` to /``what``; return the names of the cookies it carried."""

        def found() -> str | None:
            return next((c for w, m, c in self._requests if (w, m) == (what, method)), None)

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, timeout):
                raise AssertionError(f"Chromium sent no {method} to /{what}")
            cookies = found()
        return {pair.split("=", 1)[0] for pair in cookies.split("; ") if pair}


def _cookie_app(seen: Seen) -> Flask:
    app = Flask(__name__)

    @app.get("/set")
    def set_cookies():
        response = make_response("set")
        for header in request.args.getlist("h"):
            response.headers.add("Set-Cookie", header)
        return response

    @app.route("/echo", methods=["GET", "POST"])
    def echo():
        seen.append(("echo", request.method, request.headers.get("Cookie", "")))
        return "echo"

    @app.get("/img")
    def image():
        seen.append(("img", "GET", request.headers.get("Cookie", "")))
        response = make_response(PIXEL)
        response.headers["Content-Type"] = "image/gif"
        return response

    @app.get("/attack")
    def attack():
        target = request.args["t"]
        image = f'<img id="i" src="{target}/img">' if "img" in request.args else ""
        return (
            f'<a id="l" href="{target}/echo">go</a>'
            f'<form method="post" action="{target}/echo"><input name="a" value="1">'
            f'<button id="b">post</button></form>{image}'
        )

    return app


class Sites:
    """The cookie app served over HTTP and HTTPS, and what its /echo and /img saw."""

    def __init__(self, tmp: Path) -> None:
        self.seen = Seen()
        app = _cookie_app(self.seen)
        ca = trustme.CA()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert(LAB_HOST, OTHER_HOST).configure_cert(context)
        self.servers = [
            make_server("127.0.0.1", 0, app, threaded=True),
            make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context),
        ]
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.ports = {"http": self.servers[0].server_port, "https": self.servers[1].server_port}

    def base(self, scheme: str, host: str = LAB_HOST) -> str:
        """The app's URL over ``scheme`` under ``host``."""
        return f"{scheme}://{host}:{self.ports[scheme]}"

    def stop(self) -> None:
        """Stop both servers."""
        for server in self.servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Iterator[Sites]:
    """The cookie app on two ports."""
    sites = Sites(tmp_path_factory.mktemp("sites"))
    yield sites
    sites.stop()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory) -> Iterator[BrowserContext]:
    """A Chromium profile that allows third-party cookies; skipped (failed in CI) without it."""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests")
        pytest.skip(reason)
    profile = tmp_path_factory.mktemp("profile")
    (profile / "Default").mkdir()
    preferences = {"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}}
    (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
    rules = f"MAP {LAB_HOST} 127.0.0.1, MAP {OTHER_HOST} 127.0.0.1"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            ignore_https_errors=True,  # trustme's CA is not in Chromium's store
            args=["--no-sandbox", "--disable-gpu", f"--host-resolver-rules={rules}"],
        )
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        context.close()


def _set(context: BrowserContext, base: str, headers: list[str]) -> None:
    context.clear_cookies()
    page = context.new_page()
    page.goto(base + "/set?" + urlencode([("h", header) for header in headers]))
    page.close()


@pytest.mark.parametrize("case", STORE_CASES, ids=lambda c: f"{c.scheme}:{c.header}")
def test_chromium_keeps_what_the_lab_keeps(case: StoreCase, chromium, sites):
    _set(chromium, sites.base(case.scheme), [case.header])
    kept = {cookie["name"] for cookie in chromium.cookies()}
    assert (case.name in kept) is case.kept, f"Chromium: {case.rule}"
    assert lab_keeps(case) is case.kept, f"the lab: {case.rule}"


@pytest.mark.parametrize("case", SEND_CASES, ids=lambda c: f"{c.how}-{c.scheme}")
def test_chromium_sends_what_the_lab_sends(case: SendCase, chromium, sites):
    _set(chromium, sites.base("https"), list(JAR.values()))
    assert {cookie["name"] for cookie in chromium.cookies()} == set(JAR)
    target = sites.base(case.scheme)
    attack = sites.base("http", OTHER_HOST) + "/attack?t=" + quote(target)
    sites.seen.clear()
    page = chromium.new_page()
    if case.how == "user":
        page.goto(target + "/echo")
        sent = sites.seen.cookies_of("echo", "GET", WAIT_S)
    elif case.how == "image":
        page.goto(attack + "&img=1")
        sent = sites.seen.cookies_of("img", "GET", WAIT_S)
    else:
        page.goto(attack)
        page.click("#l" if case.how == "link" else "#b")
        method = "GET" if case.how == "link" else "POST"
        sent = sites.seen.cookies_of("echo", method, WAIT_S)
    page.close()
    assert sent == case.sent, f"Chromium: {case.rule}"
    assert lab_sends(case) == case.sent, f"the lab: {case.rule}"


@pytest.mark.parametrize("case", OVERWRITE_CASES, ids=lambda c: c.rule)
def test_chromium_leaves_secure_cookies_alone_as_the_lab_does(case: OverwriteCase, chromium, sites):
    _set(chromium, sites.base(case.first_scheme), [case.first])
    page = chromium.new_page()  # the second response, without clearing the first cookie
    page.goto(sites.base(case.second_scheme) + "/set?" + urlencode([("h", case.second)]))
    page.close()
    kept = {cookie["value"] for cookie in chromium.cookies() if cookie["name"] == "a"}
    assert kept == case.kept, f"Chromium: {case.rule}"
    assert lab_overwrite(case) == case.kept, f"the lab: {case.rule}"
