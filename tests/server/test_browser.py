"""The tutorial's pages in a real headless Chromium, against the real embedded server.

Playwright for Python drives Debian's ``chromium`` (no Playwright-downloaded browser). Without
it the tests skip, except under CI, where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import LOGIN, SECURED
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from server.errors import CSRF_MESSAGE

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

WELCOME = "Welcome USER: alice !, You have access to this Secure Page"
NOT_LOGGED_IN = "You are not logged in, Cannot access this page"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module; skipped when absent, failed when absent in CI."""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server) -> Iterator[BrowserContext]:
    """A fresh cookie jar whose relative URLs point at the live server; closed before it stops."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Page:
    """A tab in ``context``."""
    return context.new_page()


def session_cookie(context: BrowserContext) -> dict | None:
    """Return the browser's ``sessionid`` cookie, or None."""
    cookies = [c for c in context.cookies() if c["name"] == "sessionid"]
    assert len(cookies) <= 1, cookies
    return cookies[0] if cookies else None


def submit_login(page: Page, userid: str, passwd: str = "secret") -> None:
    """Open the login form, fill it in and click Submit."""
    page.goto(LOGIN)
    page.get_by_label("User name:").fill(userid)
    page.get_by_label("Password:").fill(passwd)
    page.get_by_role("button", name="Submit").click()


def test_login_secured_page_logout(page, context, live_server):
    page.goto(LOGIN)
    expect(page.get_by_text("Type Anything for User / Password")).to_be_visible()
    # Flask-WTF keeps the CSRF token in the session, so the form already set a cookie.
    before_login = session_cookie(context)
    assert before_login is not None

    page.get_by_label("User name:").fill("alice")
    page.get_by_label("Password:").fill("secret")
    page.get_by_role("button", name="Submit").click()

    expect(page).to_have_url(live_server.url + SECURED)
    expect(page.get_by_role("heading")).to_have_text(WELCOME)
    expect(page.get_by_text("Hello User")).to_be_visible()
    cookie = session_cookie(context)
    assert cookie is not None
    assert cookie["value"] != before_login["value"], "login must rotate the session id"
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["expires"] == -1, "a browser-session cookie has no expiry date"
    assert cookie["path"] == "/"
    assert cookie["domain"] == "127.0.0.1"  # host-only: the server sent no Domain
    assert cookie["secure"] is False
    # HttpOnly means the page's own scripts cannot read it.
    assert "sessionid" not in page.evaluate("document.cookie")

    page.get_by_role("link", name="click here").click()
    expect(page.get_by_role("heading")).to_have_text("Successfully alice Logged out !")
    assert session_cookie(context) is None

    page.goto(SECURED)
    expect(page.get_by_role("heading")).to_have_text(NOT_LOGGED_IN)
    assert session_cookie(context) is None


def test_replayed_cookie_after_logout_is_not_logged_in(page, context):
    submit_login(page, "alice")
    expect(page.get_by_role("heading")).to_have_text(WELCOME)
    stolen = session_cookie(context)
    page.get_by_role("link", name="click here").click()
    expect(page.get_by_role("heading")).to_have_text("Successfully alice Logged out !")

    context.add_cookies([stolen])
    page.goto(SECURED)
    expect(page.get_by_role("heading")).to_have_text(NOT_LOGGED_IN)


def test_password_input_is_masked_and_limited_to_32_characters(page):
    page.goto(LOGIN)
    passwd = page.get_by_label("Password:")
    expect(passwd).to_have_attribute("type", "password")
    expect(passwd).to_have_attribute("maxlength", "32")
    expect(passwd).to_have_attribute("required", "")

    passwd.press_sequentially("p" * 40)
    assert passwd.input_value() == "p" * 32, "the browser must stop typing at maxlength"

    page.get_by_label("User name:").fill("alice")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading")).to_have_text(WELCOME)


def test_user_name_is_escaped_in_the_page(page):
    userid = "<b id=injected>bob</b>"
    submit_login(page, userid)
    expect(page.get_by_role("heading")).to_have_text(
        f"Welcome USER: {userid} !, You have access to this Secure Page"
    )
    expect(page.locator("#injected")).to_have_count(0)


def test_empty_user_name_is_blocked_by_the_browser_then_refused_by_the_server(page):
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto(LOGIN)
    userid = page.get_by_label("User name:")
    page.get_by_label("Password:").fill("secret")

    page.get_by_role("button", name="Submit").click()
    assert userid.evaluate("input => input.validity.valueMissing") is True
    posts = [r for r in requests if r.method == "POST"]
    assert posts == [], "the browser must not send a form with a required field empty"
    expect(page.get_by_text("Enter a user name.")).to_have_count(0)

    # Without the browser's check, the server itself must refuse the form (400, not 500).
    userid.evaluate("input => input.removeAttribute('required')")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Submit").click()
    assert posted.value.status == 400
    expect(page.locator("#userid-errors")).to_have_text("Enter a user name.")
    # The form is shown again, ready to be corrected.
    expect(page.get_by_role("button", name="Submit")).to_be_visible()

    page.goto(SECURED)
    expect(page.get_by_role("heading")).to_have_text(NOT_LOGGED_IN)


def test_form_without_its_csrf_token_gets_the_error_page(page):
    page.goto(LOGIN)
    page.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    page.get_by_label("User name:").fill("mallory")
    page.get_by_label("Password:").fill("secret")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Submit").click()

    assert posted.value.status == 400
    expect(page.get_by_role("heading")).to_have_text("400 Bad Request")
    expect(page.locator("p.errors")).to_contain_text(CSRF_MESSAGE)

    page.goto(SECURED)
    expect(page.get_by_role("heading")).to_have_text(NOT_LOGGED_IN)
