"""Challenges on what a cookie carries: a forged signed cookie, a replayed one, a held-back one."""

from __future__ import annotations

from desktop.classroom.challenge import Challenge, Fix, Verdict, shortcut, solved
from desktop.classroom.challenge_log import ChallengeLog, Hop
from desktop.classroom.challenges.kit import fresh_lab, logins_between
from desktop.classroom.walkthrough import WalkRun

ADMIN = "admin"
PROMO, PROMO_VALUE = "promo", "summer-sale"


def _forge_setup(window) -> None:
    run = fresh_lab(window, store="cookie")
    window.controls.set_switch("weak_key", True)
    run.login(1, "student")


def _forge_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for hop in log.hops:
        if hop.welcomed != ADMIN:
            continue
        if log.logins_before(hop, user=ADMIN):  # in any browser: copying it over is no forgery
            verdict = shortcut("admin logged in with the form. Forge the cookie instead.")
        else:
            return solved()
    return verdict


FORGE = Challenge(
    key="forge",
    title="Forge: be greeted as admin",
    goal="Sessions live in a signed cookie, and the server's key is weak. Get the server to "
    "greet you as admin, without admin's password.",
    hints=(
        "Decode your own cookie (the jar shows its payload): it says who you are.",
        "A signature is only as strong as its key. The attacker's tools below try a list of "
        "common keys against your cookie.",
        "Forge {'userid': 'admin'} with the tools, paste it as your cookie's value in the jar, "
        "and open the secured page.",
    ),
    setup=_forge_setup,
    check=_forge_check,
    explanation="With the key guessed, you signed your own session: the server trusted it.",
    mitigation="A long random secret key, kept secret and rotated; or sessions kept on the "
    "server, with only an id in the cookie.",
    solution="Attacker's tools → Forge; paste the value into the jar's sessionid Value cell; "
    "open the secured page.",
    fix=Fix("a strong random secret key", lambda w: _strong_key(w)),
)


def _strong_key(window) -> None:
    # The student's own cookie is signed again with the strong key: nothing weak is left.
    window.controls.set_switch("weak_key", False)
    WalkRun(window).login(1, "student")


def _replay_setup(window) -> None:
    fresh_lab(window, store="cookie")


def _replay_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for hop in log.hops:
        user = hop.welcomed
        logouts = [h for h in log.before(hop) if isinstance(h, Hop) and h.logged_out == user]
        logouts = [h for h in logouts if h.browser == hop.browser]
        if user is None or not logouts:
            continue
        if logins_between(log, logouts[-1], hop, hop.browser):
            verdict = shortcut("you logged in again. Get back in with the old cookie.")
            continue
        # Only what this browser itself sent while logged in before: another browser's live
        # session copied over is hijacking, not replay.
        old = {
            h.cookie(log.cookie_name)
            for h in log.before(logouts[-1])
            if isinstance(h, Hop) and h.browser == hop.browser and h.welcomed == user
        }
        if hop.cookie(log.cookie_name) in old:
            return solved()
    return verdict


REPLAY = Challenge(
    key="replay",
    title="Replay after logout",
    goal="Sessions live in a signed cookie. Log in, log out, and then get back in without "
    "logging in again.",
    hints=(
        "What did logout actually destroy? Look at the Set-Cookie it sent.",
        "The old cookie value is still a valid signature. Copy it before you log out.",
        "Log in; copy sessionid's value from the jar; log out; paste the old value back into "
        "the jar; open the secured page.",
    ),
    setup=_replay_setup,
    check=_replay_check,
    explanation="A signed cookie is valid until it expires: the server keeps no list of the "
    "sessions it ended, so logout only asked the browser to forget it.",
    mitigation="Keep sessions on the server, so logout deletes them for real.",
    solution="Log in, copy the sessionid value, log out, paste it back into the jar, open the "
    "secured page.",
    fix=Fix("sessions kept on the server (sqlite)", lambda w: _server_side(w)),
)


def _server_side(window) -> None:
    window.controls.switch_store("sqlite", remember=False)


def _held_back_setup(window) -> None:
    run = fresh_lab(window)
    first = run.browser(1)
    run.actions.add_cookie(first, PROMO, PROMO_VALUE, same_site="Strict")
    run.actions.visit_other_site(first)


def _held_back_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    withheld = False
    for hop in log.hops:
        if any(cookie.name == PROMO for cookie in hop.exchange.cookies_withheld):
            withheld = True
            continue
        sent = hop.cookie(PROMO)
        if withheld and sent == PROMO_VALUE:
            return solved()
        if withheld and sent is not None:
            verdict = shortcut("that is a new promo cookie. Send the one the browser held back.")
    return verdict


HELD_BACK = Challenge(
    key="held_back",
    title="Held-back cookie",
    goal="Browser 1 holds a promo cookie, but it was held back when another site's page sent "
    "a request to the lab. Make the browser send it.",
    hints=(
        "Open the request in the timeline: it says why the cookie was held back.",
        "SameSite=Strict: the cookie goes only with requests the lab's own pages start.",
        "Open any lab page yourself (type the address, or press Open secured page).",
    ),
    setup=_held_back_setup,
    check=_held_back_check,
    explanation="A SameSite=Strict cookie is sent only when the lab's own site starts the "
    "request, never when another site does.",
    mitigation="SameSite keeps cookies off cross-site requests: Strict for everything, Lax "
    "for top-level links. (A Secure cookie cannot be sent over plain http at all.)",
    solution="Open the lab's login or secured page from Browser 1 itself.",
)
