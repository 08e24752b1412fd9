"""Challenges started from another site: login CSRF and logout CSRF."""

from __future__ import annotations

from desktop.classroom.challenge import Challenge, Fix, Verdict, shortcut, solved
from desktop.classroom.challenge_log import ChallengeLog, Hop
from desktop.classroom.challenges.kit import VICTIM, fresh_lab, logins_between
from server.other_site import ATTACKER
from server.paths import LOGOUT_PATH


def _login_csrf_setup(window) -> None:
    fresh_lab(window)
    window.controls.set_switch("no_csrf", True)


def _login_csrf_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for hop in log.hops:
        if hop.welcomed != ATTACKER:
            continue
        logins = logins_between(log, None, hop, hop.browser, ATTACKER)
        if logins and logins[-1].from_other_site:
            return solved()
        if logins:
            verdict = shortcut("you typed the attacker's name yourself. Let another site do it.")
    return verdict


LOGIN_CSRF = Challenge(
    key="login_csrf",
    title="Login CSRF: log the victim in as the attacker",
    goal=f"Browser 1 is the victim's. From another site, log it in as the attacker "
    f"({ATTACKER}), so that whatever the victim does next is recorded in the attacker's "
    "account. (The server's CSRF check is switched off.)",
    hints=(
        "A page on another site can hold a form that posts to the lab.",
        "Browser → Visit a page on another site opens such a page and presses its button.",
        "Visit the other site, then open the secured page: who are you?",
    ),
    setup=_login_csrf_setup,
    check=_login_csrf_check,
    explanation="The other site's form posted the attacker's name and password; nothing told "
    "the server the form was not its own.",
    mitigation="A CSRF token in every form, checked on every POST; SameSite cookies help too.",
    solution="Browser → Visit a page on another site; then open the secured page.",
    fix=Fix("the CSRF check", lambda w: w.controls.set_switch("no_csrf", False)),
)


def _logout_csrf_setup(window) -> None:
    run = fresh_lab(window)
    run.login(1, VICTIM)


def _logout_csrf_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for hop in log.hops:
        if hop.exchange.path != LOGOUT_PATH:
            continue
        if not any(event.kind == "deleted" for event in hop.events):
            continue
        if hop.from_other_site or _came_from_other_site(log, hop):
            return solved()
        verdict = shortcut("you logged alice out yourself. Make another site do it.")
    return verdict


def _came_from_other_site(log: ChallengeLog, hop: Hop) -> bool:
    # A redirect hop keeps the first request's initiator only on that first request.
    earlier = [h for h in log.before(hop) if isinstance(h, Hop) and h.browser == hop.browser]
    return (
        bool(earlier)
        and earlier[-1].from_other_site
        and earlier[-1].exchange.status
        in (
            301,
            302,
            303,
        )
    )


LOGOUT_CSRF = Challenge(
    key="logout_csrf",
    title="Logout CSRF: log alice out from another site",
    goal="Browser 1 is alice's, logged in. The tutorial logs out on a GET link. From another "
    "site, log her out.",
    hints=(
        "A link, or a form with method GET, on any page can open the lab's logout URL.",
        "Browser → Visit another site's free-ticket page opens such a page and clicks it.",
        "SameSite=Lax cookies are sent on a top-level GET from another site.",
    ),
    setup=_logout_csrf_setup,
    check=_logout_csrf_check,
    explanation="The other site's button opened /app_sessions/logout/; the browser sent alice's "
    "cookie with the top-level GET, and the server logged her out.",
    mitigation="Log out only on a POST that carries the CSRF token.",
    solution="Browser → Visit another site's free-ticket page.",
    fix=Fix("logout needs a POST and a token", lambda w: w.lab.set_fix("post_logout", True)),
)
