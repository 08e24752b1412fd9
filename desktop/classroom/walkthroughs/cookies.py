"""Cookies over time: expiry, clearing site data, cookies that stay home, your own browser."""

from __future__ import annotations

import time

from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough, secured_page_step


def _gone(number: int):
    """Done when Browser ``number``'s session has left the store."""

    def check(run: WalkRun) -> bool:
        # The store inspector follows the server's events: no need to read the database.
        sid = run.notes.get(f"sid{number}")
        return sid is not None and run.window.inspectors.session_model.row_of(sid) < 0

    return check


def _remember_sid(number: int):
    def remember(run: WalkRun) -> None:
        run.notes[f"sid{number}"] = run.sid(number)

    return remember


def _login_and_remember(run: WalkRun) -> None:
    run.notes.pop("sid1", None)
    run.login(1, "alice")


EXPIRY = Walkthrough(
    key="expiry",
    title="Expiry: idle and absolute lifetimes",
    teaches=(
        "The server ends a session that has been idle too long, and any session that has lived "
        "too long however busy it is. The countdown in the store shows the nearer of the two; "
        "an expired session is refused and deleted, and the browser is back to not logged in."
    ),
    steps=(
        Step(
            "Use short lifetimes",
            lambda run: run.actions.set_short_lifetimes(True),
            "Sessions now expire after a short idle time, and at most a little later.",
        ),
        Step(
            "Log in as alice",
            _login_and_remember,
            "Watch 'Expires in' count down in the store.",
            lambda run: (
                _remember_sid(1)(run),
                run.window.inspectors.highlight_session(run.sid(1)),
            ),
        ),
        Step(
            "Wait without doing anything",
            lambda run: None,
            "Idle expiry: the server deleted the session when the idle time ran out; the row "
            "left the store.",
            done_when=_gone(1),
        ),
        secured_page_step(
            "Open the secured page",
            1,
            "Not logged in: the id in the cookie names no session any more.",
        ),
        Step(
            "Log in again and keep using the site",
            lambda run: _login_and_remember(run),
            "A new session: each request resets the idle countdown.",
            lambda run: _remember_sid(1)(run),
        ),
        secured_page_step(
            "Stay active until the absolute limit",
            1,
            "Even with a request every few seconds, the session ended at its absolute "
            "lifetime: idle time was never reached, age was.",
            done_when=_gone(1),
            repeat_seconds=2.0,
        ),
        Step(
            "Back to normal lifetimes",
            lambda run: run.actions.set_short_lifetimes(False),
            "Sessions last 30 idle minutes and 8 hours at most again.",
        ),
    ),
)


def _add_cookies(run: WalkRun) -> None:
    browser = run.browser(1)
    run.actions.add_cookie(browser, "prefs", "dark-mode", secure=True)
    run.actions.add_cookie(browser, "promo", "spring", max_age=2)
    run.notes["promo_until"] = time.time() + 2.5


CLEAR = Walkthrough(
    key="clear_cookies",
    title="Clear cookies, and cookies that are not sent",
    teaches=(
        "A browser does not send every cookie it holds: a Secure cookie only travels over "
        "HTTPS (real browsers make an exception for localhost; the lab's browser, like a "
        "browser on a real site, does not) and an expired one is dropped. Clearing cookies "
        "forgets the session id, which logs the browser out, but the server's session lives "
        "on until it expires."
    ),
    steps=(
        Step("Log in as alice", lambda run: run.login(1, "alice"), "Logged in."),
        Step(
            "Add a Secure cookie and a cookie that expires in 2 seconds",
            _add_cookies,
            "The jar holds prefs (Secure) and promo (2 seconds to live).",
            lambda run: run.window.inspectors.highlight_cookie("prefs"),
        ),
        secured_page_step(
            "Open the secured page",
            1,
            "The timeline's detail lists prefs under 'Cookies held but not sent': Secure "
            "cookies only go over HTTPS, and the lab's server speaks plain HTTP. (Your own "
            "browser would send it to localhost, which browsers trust as if it were HTTPS.)",
        ),
        Step(
            "Wait until promo expires, then open the secured page",
            lambda run: run.secured_page(1) if time.time() > run.notes["promo_until"] else None,
            "promo expired: the browser dropped it instead of sending it.",
            done_when=lambda run: "promo" not in [c.name for c in run.browser(1).jar],
            repeat_seconds=1.0,
        ),
        Step(
            "Clear cookies (clear site data)",
            lambda run: (_remember_sid(1)(run), run.actions.clear_cookies(run.browser(1))),
            "The jar is empty. The store still has alice's session: clearing cookies only "
            "forgets its id.",
        ),
        secured_page_step(
            "Open the secured page",
            1,
            "Not logged in: without the id, the browser is a stranger to the server.",
        ),
    ),
)


OWN_BROWSER = Walkthrough(
    key="own_browser",
    title="Open the lab in your own browser",
    teaches=(
        "Your everyday browser does the same as the lab's: open the lab's login page in it, "
        "press F12, and find the sessionid cookie under Application (Chrome) or Storage "
        "(Firefox), and the Cookie and Set-Cookie headers under Network."
    ),
    steps=(
        Step(
            "Open the login page in your browser",
            lambda run: run.notes.__setitem__("opened", run.actions.open_in_system_browser()),
            lambda run: (
                "Your browser opened the lab's login page. Log in there and compare its "
                "developer tools with the lab's inspectors: a new row appears in the store "
                "for your browser's session."
                if run.notes.get("opened")
                else "No default browser could be opened here; copy the server's URL from "
                "the status bar into your browser instead."
            ),
        ),
    ),
)
