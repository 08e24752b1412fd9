"""Two servers behind a load balancer: a lost login, sticky sessions, and a shared store."""

from __future__ import annotations

from desktop.classroom.balancer_lesson import (
    put_behind_balancer,
    restart_server,
    set_sticky,
    share_store,
)
from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough, secured_page_step
from server.balancer import STICKY_COOKIE
from server.paths import LOGIN_PATH


def pinned(run: WalkRun, number: int = 1) -> str:
    """The server Browser ``number``'s sticky cookie names ("A" before it has one)."""
    return run.browser(number).cookie(STICKY_COOKIE) or "A"


def _restart_pinned(run: WalkRun) -> None:
    run.notes["restarted"] = pinned(run)
    restart_server(run.window, run.notes["restarted"])


def _sticky_login_text(run: WalkRun) -> str:
    return (
        f"The balancer now adds its own cookie: Browser 1's jar holds {STICKY_COOKIE}="
        f"{pinned(run)} beside sessionid. Every request of Browser 1 goes to server "
        f"{pinned(run)}, where alice's session lives, so the secured page welcomes her."
    )


def _after_restart_text(run: WalkRun) -> str:
    name = run.notes.get("restarted", "A")
    return (
        f"Not logged in. The balancer still sends Browser 1 to server {name}, as its cookie "
        f"asks, but server {name} lost alice's session with its memory when it restarted. "
        "Sticky sessions spread the visitors, not their sessions: a crash, an update or one "
        "server fewer logs users out."
    )


LOAD_BALANCER = Walkthrough(
    key="load_balancer",
    title="Two servers behind a load balancer",
    store="memory",
    teaches=(
        "Busy sites run several copies of their server behind a load balancer, which passes "
        "each request to the next one. A session kept in one server's memory is unknown to "
        "the others, so the user seems logged out. Sticky sessions pin each browser to one "
        "server with the balancer's own cookie, until that server restarts; a store both "
        "servers share (a database file, or Redis) fixes it for good. Both must also share "
        "the secret key."
    ),
    steps=(
        Step(
            "Put two servers, A and B, behind a load balancer",
            (
                lambda run: run.browser(2),  # opened now: its start page is not the lesson's
                lambda run: put_behind_balancer(run.window),
                lambda run: run.browser(1),
            ),
            "The lab's address now belongs to the load balancer (see the status line), a "
            "small lab device that stands for nginx or HAProxy. Behind it run server A and "
            "server B, each keeping sessions in its own memory. Both were started with the "
            "same settings and the same secret key.",
        ),
        Step(
            "Browser 1 opens the login page",
            lambda run: run.open(1, LOGIN_PATH),
            "The diagram has new lanes: the balancer passed the request to server A, which "
            "created a session for the form and keeps it in its memory.",
        ),
        Step(
            "Another visitor, Browser 2, opens the login page",
            lambda run: run.open(2, LOGIN_PATH),
            "Round robin: this request went to server B. A real site has many visitors, so "
            "each browser's requests are spread over both servers.",
        ),
        Step(
            "Browser 1 logs in as alice",
            lambda run: run.login(1, "alice"),
            "The form went to server A, which knows its session: it logged alice in. The "
            "redirect to the secured page went to server B, which has never heard of that "
            "session, so it ignored the cookie (and told the browser to delete it): “You are "
            "not logged in”. alice's session is still in A's memory (see the store), out of "
            "reach.",
        ),
        Step(
            "Turn on sticky sessions, and log in again",
            (lambda run: set_sticky(run.window, True), lambda run: run.login(1, "alice")),
            _sticky_login_text,
            lambda run: run.window.inspectors.highlight_cookie(STICKY_COOKIE),
        ),
        Step(
            "Restart the server Browser 1 is pinned to",
            _restart_pinned,
            lambda run: (
                f"Server {run.notes['restarted']} restarted: a new process, with empty memory "
                "(the store view lost alice's session). The other server kept running."
            ),
        ),
        secured_page_step("Browser 1 opens the secured page", 1, _after_restart_text),
        Step(
            "Share one store: both servers on the SQLite file, stickiness off",
            lambda run: share_store(run.window),
            "Both servers now keep sessions in the same SQLite file (across machines, Redis "
            "does this), and still sign with the same secret key, so a form A signed checks "
            f"out on B. The balancer is plain round robin again: it ignores {STICKY_COOKIE}.",
        ),
        Step(
            "Browser 1 logs in as alice",
            lambda run: run.login(1, "alice"),
            "The form, the login and the redirect went to A, B, A (or B, A, B): each server "
            "found the session in the shared store, and the secured page welcomes alice.",
        ),
        Step(
            "Restart server A, and open the secured page twice",
            (
                lambda run: restart_server(run.window, "A"),
                lambda run: run.secured_page(1),
                lambda run: run.secured_page(1),
            ),
            "Both servers welcome alice, and the restart lost nothing: with a shared store, "
            "any server can answer any request. (In production, nginx or HAProxy is the "
            "balancer and Redis the store.)",
        ),
    ),
)
