"""The tutorial's pages, in process and over real HTTP: texts, headers, links and redirects."""

from __future__ import annotations

import re

import pytest
from helpers import LOGIN, LOGOUT, SECURED, csrf_token

from server import snapshot

WELCOME = "Welcome USER: {} !, You have access to this Secure Page"
NOT_LOGGED_IN = "You are not logged in, Cannot access this page"
NOBODY = "Nobody was logged in, so there was nobody to log out."


def input_tag(html: str, name: str) -> str:
    """Return the ``<input>`` tag named ``name`` in ``html``."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


def test_login_form_has_the_tutorials_texts_and_fields(visitor):
    page = visitor.client.get(LOGIN)
    assert page.status_code == 200
    for text in ("Type Anything for User / Password", "User name:", "Password:"):
        assert text in page.text
    assert '<button type="submit">Submit</button>' in page.text
    userid = input_tag(page.text, "userid")
    assert 'type="text"' in userid
    assert "required" in userid
    assert 'maxlength="150"' in userid
    passwd = input_tag(page.text, "passwd")
    assert 'type="password"' in passwd
    assert "required" in passwd
    assert 'maxlength="32"' in passwd
    assert 'type="hidden"' in input_tag(page.text, "csrf_token")
    assert "Cookie" in page.headers["Vary"]


def test_valid_login_redirects_to_the_secured_page(visitor):
    response = visitor.login("alice")
    assert response.status_code == 302
    assert response.location == SECURED
    page = visitor.secured_page()
    assert page.status_code == 200
    assert WELCOME.format("alice") in page.text
    assert "<p>Hello User</p>" in page.text
    assert f'To logout <a href="{LOGOUT}">click here</a>' in page.text
    assert NOT_LOGGED_IN not in page.text


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_secured_page_is_never_cached_and_varies_on_cookie(visitor, logged_in):
    if logged_in:
        visitor.login()
    page = visitor.secured_page()
    assert page.headers["Cache-Control"] == "no-store"
    assert "Cookie" in page.headers["Vary"]


def test_secured_page_without_login_refuses_and_sets_no_cookie(visitor, app):
    page = visitor.secured_page()
    assert page.status_code == 200
    assert NOT_LOGGED_IN in page.text
    assert "Hello User" not in page.text
    assert page.set_cookies == []
    assert snapshot(app) == []


def test_logout_names_the_user_and_ends_the_login(visitor):
    visitor.login("alice")
    bye = visitor.logout()
    assert bye.status_code == 200
    assert "Successfully alice Logged out !" in bye.text
    assert bye.headers["Cache-Control"] == "no-store"
    assert NOT_LOGGED_IN in visitor.secured_page().text


@pytest.mark.parametrize("before", ["nothing", "form-only", "logged-out"])
def test_logout_with_nobody_logged_in_is_a_friendly_page(visitor, before):
    if before == "form-only":
        visitor.client.get(LOGIN)
    elif before == "logged-out":
        visitor.login("alice")
        visitor.logout()
    bye = visitor.logout()
    assert bye.status_code == 200
    assert NOBODY in bye.text
    assert "Successfully" not in bye.text


@pytest.mark.parametrize(
    ("userid", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('a"b&c<', "a&#34;b&amp;c&lt;"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
    ],
)
def test_user_name_is_html_escaped(visitor, userid, escaped):
    visitor.login(userid)
    page = visitor.secured_page()
    assert WELCOME.format(escaped) in page.text
    assert userid not in page.text
    bye = visitor.logout()
    assert f"Successfully {escaped} Logged out !" in bye.text
    assert userid not in bye.text


def test_index_links_the_three_pages(visitor):
    page = visitor.client.get("/")
    assert page.status_code == 200
    for path in (LOGIN, SECURED, LOGOUT):
        assert f'<a href="{path}">' in page.text


@pytest.mark.parametrize(
    ("method", "path"), [("GET", LOGIN), ("GET", SECURED), ("GET", LOGOUT), ("POST", LOGIN)]
)
def test_paths_without_trailing_slash_redirect_permanently(visitor, path, method):
    response = visitor.client.request(method, path.rstrip("/"))
    assert response.status_code == 308  # keeps the method, so a POSTed form survives it
    assert response.location.endswith(path)


@pytest.mark.parametrize("app_config", [{"LOGOUT_REQUIRES_POST": True}], indirect=True)
def test_with_post_logout_a_get_only_asks_and_the_post_logs_out(visitor, app):
    visitor.login("alice")
    secured = visitor.secured_page().text
    assert '<form method="post" action="/app_sessions/logout/">' in secured
    assert 'href="/app_sessions/logout/"' not in secured  # the seed's link became a button
    asked = visitor.logout()
    assert asked.status_code == 200 and "Log out?" in asked.text
    assert "Welcome USER: alice !" in visitor.secured_page().text  # a GET logged nobody out
    no_token = visitor.client.post(LOGOUT, data={})
    assert no_token.status_code == 400  # another site cannot forge the POST either
    token = csrf_token(asked.text)
    done = visitor.client.post(LOGOUT, data={"csrf_token": token})
    assert "Successfully alice Logged out !" in done.text
    assert snapshot(app) == []


def test_without_the_switch_the_seeds_get_link_logs_out(visitor):
    visitor.login("alice")
    assert 'To logout <a href="/app_sessions/logout/">click here</a>' in visitor.secured_page().text
    assert "Successfully alice Logged out !" in visitor.logout().text
