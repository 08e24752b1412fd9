"""The tutorial's STEP 7, and several browsers side by side."""

from __future__ import annotations

from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough, secured_page_step


def _show_session_of(number: int):
    def highlight(run: WalkRun) -> None:
        run.window.inspectors.highlight_session(run.sid(number))

    return highlight


def _show_cookie(run: WalkRun) -> None:
    run.window.inspectors.highlight_cookie(run.window.lab.cookie_name)


TUTORIAL = Walkthrough(
    key="tutorial",
    title="The tutorial: log in, secured page, log out",
    teaches=(
        "A session is data the server keeps under a random id; the browser only holds the id, "
        "in a cookie, and sends it back with every request. Logging in puts the user name in "
        "the session; logging out deletes the session, so the same cookie no longer opens the "
        "secured page."
    ),
    steps=(
        Step(
            "Log in as alice",
            lambda run: run.login(1, "alice"),
            lambda run: (
                "The browser sent the form already on screen back with its CSRF token (one "
                "POST: the form came with the first GET), and the server stored userid=alice "
                f"in a session with a NEW id ({run.short(run.sid(1))}), "
                "then redirected to the secured page. The cookie jar and the highlighted store "
                "row show the same id."
            ),
            _show_session_of(1),
        ),
        secured_page_step(
            "Open the secured page",
            1,
            "The browser sent its cookie; the server looked the id up in its store, found "
            "userid=alice and welcomed her. Only 'last seen' and 'expires in' changed.",
            _show_session_of(1),
        ),
        Step(
            "Log out",
            lambda run: run.logout(1),
            "The server deleted the session row and told the browser to delete its cookie "
            "(an expiry date in 1970). The jar and the store are empty of alice's session.",
            _show_cookie,
        ),
        secured_page_step(
            "Try the secured page again",
            1,
            "The browser had no session cookie to send, so the server did not know who this "
            "is: 'You are not logged in, Cannot access this page'.",
        ),
    ),
)

SEVERAL_BROWSERS = Walkthrough(
    key="browsers",
    title="Several browsers, one server",
    teaches=(
        "Each browser has its own cookie jar, so each gets its own session: the server tells "
        "users apart only by the id their cookie carries. The store lists both sessions, and "
        "the 'Held by' column shows which browser holds which id."
    ),
    steps=(
        Step(
            "Log in as alice in Browser 1",
            lambda run: run.login(1, "alice"),
            lambda run: f"Browser 1 holds session {run.short(run.sid(1))} for alice.",
            _show_session_of(1),
        ),
        Step(
            "Open Browser 2",
            lambda run: run.browser(2),
            lambda run: (
                "Browser 2 starts with an empty jar. Opening the login form gave it a session "
                f"of its own ({run.short(run.sid(2))}), holding only a CSRF token."
            ),
            _show_session_of(2),
        ),
        Step(
            "Log in as bob in Browser 2",
            lambda run: run.login(2, "bob"),
            lambda run: (
                "The store now holds alice's and bob's logged-in sessions, each held by one "
                "browser, beside the class's (the lab is shared)."
                if run.window.class_sessions()  # shared, and students' devices hold sessions
                else "The store now holds two logged-in sessions, alice's and bob's, each held "
                "by one browser."
            ),
            _show_session_of(2),
        ),
        Step(
            "Open the secured page in both browsers",
            lambda run: (run.secured_page(1), run.secured_page(2)),
            "Each browser sent its own cookie, so the server welcomed alice in Browser 1 and "
            "bob in Browser 2: same server, same page, two sessions.",
            _show_session_of(1),
        ),
    ),
)
