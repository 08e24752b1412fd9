"""The lab's browser (plain Python) against the real server: hops, cookies and failures."""

from __future__ import annotations

import pytest
import requests
from flask import redirect, request
from flask_wtf.csrf import generate_csrf
from helpers import LOGIN, LOGOUT, SECURED

import desktop.browser.browser_client
import desktop.browser.navigator
from desktop.browser.browser_client import BrowserClient
from desktop.browser.page_result import NavigationError
from server import snapshot

UNREACHABLE_PROXY = "http://10.255.255.1:9"


@pytest.fixture
def test_routes(app):
    """Routes that redirect away, in a loop, or with a given status (before the first request)."""
    app.add_url_rule("/test/away/", "away", lambda: redirect("http://example.invalid/"))
    app.add_url_rule("/test/loop/", "loop", lambda: redirect("/test/loop/"))

    @app.route("/test/form/<int:code>/", methods=["GET", "POST"])
    def form(code):
        if request.method == "GET":
            return f'<form><input name="csrf_token" value="{generate_csrf()}"></form>'
        return redirect("/test/echo/", code)

    @app.route("/test/echo/", methods=["GET", "POST"])
    def echo():
        return f"{request.method} {request.form.get('userid')}"


@pytest.fixture
def browser(live_server):
    """A lab browser with an empty jar, pointed at ``live_server``."""
    client = BrowserClient(live_server.url)
    yield client
    client.close()


def test_login_goes_form_post_redirect_secured_page(browser, app):
    seen = []
    result = browser.login("alice", "pw", seen.append)
    form, post, page = result.exchanges
    assert seen == [form, post, page]
    assert [(e.number, e.method, e.path, e.status) for e in seen] == [
        (1, "GET", LOGIN, 200),
        (2, "POST", LOGIN, 302),
        (3, "GET", SECURED, 200),
    ]
    (first,) = form.cookies_set
    (second,) = post.cookies_set
    assert first.name == second.name == "sessionid"
    assert first.value != second.value  # login rotated the id
    assert form.cookies_sent == {} and form.jar_before == ()
    assert [(c.kind, c.new_value) for c in form.jar_changes] == [("added", first.value)]
    assert post.cookies_sent == {"sessionid": first.value}
    assert post.location == SECURED and "userid=alice" in post.request_body
    assert post.jar_before == form.jar_after
    assert [(c.kind, c.old_value, c.new_value) for c in post.jar_changes] == [
        ("changed", first.value, second.value)
    ]
    assert page.cookies_sent == {"sessionid": second.value} and page.cookies_set == []
    assert page.jar_before == page.jar_after == post.jar_after == result.jar == browser.jar()
    assert "Welcome USER: alice !" in page.response_body == result.html
    assert (result.url, result.status) == (browser.url_for(SECURED), 200)
    assert [record.sid for record in snapshot(app)] == [second.value]


def test_the_session_cookie_row(browser):
    browser.login("alice", "pw")
    (row,) = browser.jar()
    assert (row.name, row.domain, row.path, row.expires_text) == (
        "sessionid",
        "127.0.0.1",
        "/",
        "Session",
    )
    assert (row.http_only, row.secure, row.same_site) == (True, False, "Lax")


def test_logout_deletes_the_cookie(browser, app):
    sid = browser.login("alice", "pw").jar[0].value
    result = browser.logout()
    (exchange,) = result.exchanges
    (delete,) = exchange.cookies_set
    assert exchange.cookies_sent == {"sessionid": sid}
    assert delete.name == "sessionid" and delete.deletes
    assert [(c.kind, c.old_value) for c in exchange.jar_changes] == [("removed", sid)]
    assert browser.jar() == result.jar == ()
    assert "Successfully alice Logged out !" in result.html
    assert snapshot(app) == []


@pytest.mark.parametrize(
    ("userid", "passwd", "errors"),
    [
        ("", "pw", {"userid": ["Enter a user name."]}),
        ("alice", "", {"passwd": ["Enter a password."]}),
        ("alice", "x" * 33, {"passwd": ["Field cannot be longer than 32 characters."]}),
    ],
)
def test_an_invalid_form_comes_back_with_its_errors(browser, userid, passwd, errors):
    result = browser.login(userid, passwd)
    form, post = result.exchanges
    assert (result.status, post.status, post.method) == (400, 400, "POST")
    assert result.info.errors == errors
    assert result.info.csrf_token and result.info.has_login_form
    assert post.jar_changes == [] and post.jar_after == form.jar_after  # nothing rotated


def test_login_without_a_form_is_not_sent(browser, monkeypatch):
    monkeypatch.setattr(desktop.browser.browser_client, "LOGIN_PATH", SECURED)
    seen = []
    with pytest.raises(NavigationError, match="had no form"):
        browser.login("alice", "pw", seen.append)
    assert [e.method for e in seen] == ["GET"]


@pytest.mark.parametrize(
    ("code", "methods", "page"),
    [
        (302, ["GET", "POST", "GET"], "GET None"),
        (303, ["GET", "POST", "GET"], "GET None"),
        (307, ["GET", "POST", "POST"], "POST bob"),
        (308, ["GET", "POST", "POST"], "POST bob"),
    ],
)
def test_redirects_change_or_repeat_the_method(
    test_routes, browser, monkeypatch, code, methods, page
):
    monkeypatch.setattr(desktop.browser.browser_client, "LOGIN_PATH", f"/test/form/{code}/")
    result = browser.login("bob", "pw")
    assert [e.method for e in result.exchanges] == methods
    assert [e.status for e in result.exchanges] == [200, code, 200]
    assert result.html == page


@pytest.mark.parametrize(
    "url", ["http://example.invalid/", "//example.invalid/x", "https://127.0.0.1:{port}/"]
)
def test_foreign_urls_are_refused_before_any_request(browser, live_server, url):
    seen = []
    with pytest.raises(NavigationError, match="only visits its own server"):
        browser.open(url.format(port=live_server.port), seen.append)
    assert seen == []


def test_a_redirect_away_is_refused_after_its_hop(test_routes, browser):
    seen = []
    with pytest.raises(NavigationError, match=r"not http://example\.invalid/"):
        browser.open("/test/away/", seen.append)
    assert [(e.path, e.status) for e in seen] == [("/test/away/", 302)]


def test_a_redirect_loop_gives_up(test_routes, browser):
    seen = []
    with pytest.raises(NavigationError, match="More than 10 redirects"):
        browser.open("/test/loop/", seen.append)
    assert len(seen) == desktop.browser.navigator.MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    ("url", "own"),
    [("{base}/x", True), ("{base}", True), ("http://localhost:{port}/", False), ("/x", False)],
)
def test_is_own_url(browser, live_server, url, own):
    assert browser.is_own_url(url.format(base=live_server.url, port=live_server.port)) is own


def test_proxy_settings_from_the_environment_are_ignored(browser, monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, UNREACHABLE_PROXY)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    # Checked without the network first, so a regression never sends anything to that proxy.
    assert browser.http.trust_env is False
    url = browser.url_for(LOGOUT)
    assert browser.http.merge_environment_settings(url, {}, None, None, None)["proxies"] == {}
    assert browser.open(LOGOUT).status == 200


def test_a_stopped_server_raises_connection_error(browser, live_server):
    live_server.stop()
    seen = []
    with pytest.raises(requests.ConnectionError):
        browser.open(LOGIN, seen.append)
    assert seen == [] and browser.jar() == ()


def test_login_submits_the_form_already_on_screen(browser):
    browser.open(LOGIN)
    seen = []
    result = browser.login("alice", "pw", seen.append)
    # One GET when the form was loaded (above), then only the POST and its redirect.
    assert [(e.method, e.path) for e in seen] == [("POST", LOGIN), ("GET", SECURED)]
    assert [e.method for e in result.exchanges] == ["POST", "GET"]
    assert "Welcome USER: alice !" in result.html


def test_a_stale_form_gets_the_400_page_and_the_next_submit_a_fresh_form(browser):
    browser.open(LOGIN)
    browser.clear_cookies()  # the session the form's token belongs to is gone
    refused = browser.login("alice", "pw")
    assert [(e.method, e.status) for e in refused.exchanges] == [("POST", 400)]
    assert refused.info.csrf_token is None  # the error page, not a form
    seen = []
    browser.login("alice", "pw", seen.append)
    assert [(e.method, e.path, e.status) for e in seen] == [
        ("GET", LOGIN, 200),
        ("POST", LOGIN, 302),
        ("GET", SECURED, 200),
    ]


def test_a_login_form_without_a_csrf_token_is_sent_as_it_stands(tmp_path):
    # The lab's "skip the CSRF check" switch renders the form without a token; a browser
    # still sends it (it used to be refused on the client's side).
    from server import create_app
    from server.runner import EmbeddedServer

    app = create_app({"DATA_DIR": tmp_path, "WTF_CSRF_ENABLED": False})
    server = EmbeddedServer(app)
    client = BrowserClient(server.start())
    try:
        form = client.open("/app_sessions/login/")
        assert form.info.csrf_token is None
        page = client.login("mallory", "pw")
        assert "Welcome USER: mallory !" in page.html
    finally:
        client.close()
        server.stop()
