"""Cookies over time: expiry, clearing site data, cookies that stay home."""

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


def _session_countdown(run: WalkRun) -> tuple[str, float] | None:
    model = run.window.inspectors.session_model
    row = model.row_of(run.notes.get("sid1"))
    if row < 0:
        return None
    return ("alice's session expires in", model.records()[row].expires - time.time())


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
            countdown=_session_countdown,
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
            countdown=_session_countdown,
        ),
        Step(
            "Back to normal lifetimes",
            lambda run: run.actions.set_short_lifetimes(False),
            "Sessions last 30 idle minutes and 8 hours at most again.",
        ),
    ),
)


#: How long the promo cookie lives. Its clock starts in the step that also sends it, and the
#: step after waits it out (with a countdown), so a teacher may talk as long as she likes.
PROMO_SECONDS = 5


def _add_prefs(run: WalkRun) -> None:
    run.actions.add_cookie(run.browser(1), "prefs", "dark-mode", secure=True)


def _add_promo(run: WalkRun) -> None:
    run.actions.add_cookie(run.browser(1), "promo", "spring", max_age=PROMO_SECONDS)
    run.notes["promo_until"] = time.time() + PROMO_SECONDS + 0.5


def _promo_countdown(run: WalkRun) -> tuple[str, float] | None:
    left = run.notes.get("promo_until", 0) - time.time()
    return ("promo expires in", left) if left > 0 else None


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
            "Add a Secure cookie",
            _add_prefs,
            "The jar holds prefs, marked Secure.",
            lambda run: run.window.inspectors.highlight_cookie("prefs"),
        ),
        Step(
            f"Add a cookie that lives {PROMO_SECONDS} seconds, and open the secured page",
            (_add_promo, lambda run: run.secured_page(1)),
            "promo went with the request; the timeline's detail lists prefs under 'Cookies "
            "held but not sent': Secure cookies only go over HTTPS, and the lab's server "
            "speaks plain HTTP. (Your own browser would send it to localhost, which browsers "
            "trust as if it were HTTPS.)",
        ),
        Step(
            "Wait until promo expires, then open the secured page",
            lambda run: run.secured_page(1) if time.time() > run.notes["promo_until"] else None,
            "promo expired: the browser dropped it instead of sending it.",
            done_when=lambda run: "promo" not in [c.name for c in run.browser(1).jar],
            repeat_seconds=0.5,
            countdown=_promo_countdown,
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
