"""The load-balancer challenge: one login that both servers behind the balancer honour."""

from __future__ import annotations

from desktop.classroom.balancer_lesson import put_behind_balancer
from desktop.classroom.challenge import Challenge, Verdict, solved
from desktop.classroom.challenge_log import ChallengeLog, Hop
from desktop.classroom.challenges.kit import VICTIM, fresh_lab
from desktop.classroom.walkthrough import WalkRun
from desktop.inspectors.narration import answered_by
from server.balancer import STICKY_COOKIE
from server.paths import LOGIN_PATH


def _setup(window) -> None:
    fresh_lab(window, store="memory")
    put_behind_balancer(window)
    WalkRun(window).open(1, LOGIN_PATH)  # the form, from one of the two servers


def server_of(hop: Hop) -> str | None:
    """The lab server behind the balancer that answered ``hop`` (None: not one of them)."""
    return answered_by(hop.exchange)[1]


def _check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for login in (hop for hop in log.hops if hop.logged_in_as == VICTIM):
        after = log.entries[log.index(login) + 1 :]
        welcomed: set[str] = set()
        for hop in after:
            if not isinstance(hop, Hop) or hop.browser != login.browser:
                continue
            if hop.logged_in_as is not None:
                break  # a new login starts a new attempt
            if hop.welcomed == VICTIM and (server := server_of(hop)) is not None:
                welcomed.add(server)
                if len(welcomed) == 2:
                    return solved("Both servers found alice's session.")
                if hop.cookie(STICKY_COOKIE) == server:
                    verdict = Verdict(
                        "shortcut",
                        f"Not yet: the sticky cookie keeps alice on server {server}, and only "
                        "it knows her session. Make both servers know it.",
                    )
    return verdict


BALANCED = Challenge(
    key="load_balancer",
    title="Two servers: stay logged in behind a load balancer",
    goal="The lab runs servers A and B behind a round-robin load balancer, each keeping "
    "sessions in its own memory. Log Browser 1 in as alice, then have the secured page welcome "
    "her from both servers, without logging in again.",
    hints=(
        "Log in and look at the diagram: which server answered each request? Does the other "
        "server know the session the first one made?",
        "Server → Load balancer → Sticky sessions keeps a browser on one server. Does that make "
        "the other server know alice?",
        "Give both servers one store: Server → Session store → sqlite. Then log in and open the "
        "secured page twice.",
    ),
    setup=_setup,
    check=_check,
    explanation="Both servers read sessions from one store, and both sign with the same secret "
    "key, so any server can answer any request: the balancer needs no stickiness.",
    mitigation="In production, keep sessions in a shared store (Redis, a database) behind "
    "nginx or HAProxy; sticky sessions at most as an optimisation, since a restart or a "
    "failover still logs their users out.",
    solution="Server → Session store → sqlite (both servers restart on the one file); log in "
    "as alice; open the secured page twice (once from A, once from B).",
)
