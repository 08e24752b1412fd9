"""Challenges on the session id itself: hijack, fixation, a restart, expiry."""

from __future__ import annotations

from desktop.classroom.challenge import Challenge, Fix, Verdict, shortcut, solved
from desktop.classroom.challenge_log import ChallengeLog, Hop, Restart
from desktop.classroom.challenges.kit import FIRST, SECOND, VICTIM, fresh_lab, logins_between


def _hijack_setup(window) -> None:
    run = fresh_lab(window, browsers=2)
    run.login(1, VICTIM)


def _hijack_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for hop in log.hops:
        if hop.welcomed != VICTIM or hop.browser == FIRST:
            continue
        if any(h.browser != FIRST for h in log.logins_before(hop, user=VICTIM)):
            verdict = shortcut(
                "a thief's browser logged in with alice's password. Take her session."
            )
        else:
            return solved()
    return verdict


HIJACK = Challenge(
    key="hijack",
    title="Hijack: be alice without her password",
    goal="Browser 1 is alice's, and she is logged in. Be alice in Browser 2 without her password.",
    hints=(
        "What does Browser 1 send with every request that tells the server who it is?",
        "Look at Browser 1's cookie jar: the sessionid cookie is all the server checks.",
        "Browser → Copy this browser's session cookie to → Browser 2, then open the secured "
        "page in Browser 2.",
    ),
    setup=_hijack_setup,
    check=_hijack_check,
    explanation="The session id is a bearer token: whoever sends it is alice, on any device.",
    mitigation="Keep it secret (HttpOnly, Secure over HTTPS), short-lived, and rotated.",
    solution="Copy Browser 1's sessionid into Browser 2 and open the secured page there.",
)


def _fixation_setup(window) -> None:
    fresh_lab(window, browsers=2)
    window.controls.set_switch("no_rotation", True)


def _fixation_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    planted = log.issued_to(FIRST)
    for hop in log.hops_of(FIRST):
        if hop.welcomed != VICTIM:
            continue
        if logins_between(log, None, hop, FIRST, VICTIM):
            verdict = shortcut("the attacker typed alice's password. Let the victim log in.")
            continue
        sid = hop.cookie(log.cookie_name)
        victim_logins = logins_between(log, None, hop, SECOND, VICTIM)
        if sid in planted and any(h.cookie(log.cookie_name) == sid for h in victim_logins):
            return solved()
        verdict = shortcut("that is hijacking: in fixation the id is planted before the login.")
    return verdict


FIXATION = Challenge(
    key="fixation",
    title="Fixation: make alice log in to your session",
    goal="Browser 1 is yours, Browser 2 is alice's. Make her log in on a session id you know, "
    "then be her in Browser 1. (The server's id rotation is switched off.)",
    hints=(
        "Browser 1 already has a session id from the login page, before anyone logs in.",
        "Could Browser 2 be made to use Browser 1's id?",
        "Copy Browser 1's cookie to Browser 2; in Browser 2 load the login page again and log "
        "in as alice; then open the secured page in Browser 1.",
    ),
    setup=_fixation_setup,
    check=_fixation_check,
    explanation="The server kept the id it was given at login, so the id you planted became "
    "alice's logged-in session.",
    mitigation="Give the session a new id at login (rotation), as Django's login() does.",
    solution="Copy Browser 1's session cookie to Browser 2; reload the login page there and log "
    "in as alice; open the secured page in Browser 1.",
    fix=Fix(
        "rotate the session id at login", lambda w: w.controls.set_switch("no_rotation", False)
    ),
)


def _restart_setup(window) -> None:
    fresh_lab(window, store="memory")


def _restart_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for restart in (e for e in log.entries if isinstance(e, Restart)):
        for hop in log.entries[log.index(restart) + 1 :]:
            if not isinstance(hop, Hop) or hop.welcomed is None:
                continue
            if logins_between(log, restart, hop, hop.browser):
                verdict = shortcut("you logged in again after the restart.")
                continue
            sid = hop.cookie(log.cookie_name)
            before = [h for h in log.before(restart) if isinstance(h, Hop)]
            if any(h.browser == hop.browser and h.welcomed and h.cookie(log.cookie_name) == sid
                   for h in before):  # fmt: skip
                return solved(f"It survived on the {restart.store} store.")
    return verdict


RESTART = Challenge(
    key="restart",
    title="Survive a restart",
    goal="Stay logged in across a server restart (Server → Restart server) without logging "
    "in again. The lab starts on the memory store.",
    hints=(
        "Where do sessions live? What happens to that place when the server restarts?",
        "Server → Session store lists the stores. Which ones keep sessions outside the "
        "server's memory?",
        "Switch to sqlite (or cookie), load the login page again and log in, restart, then "
        "open the secured page.",
    ),
    setup=_restart_setup,
    check=_restart_check,
    explanation="A session kept in a file (or in the signed cookie) outlives the process; one "
    "kept in memory dies with it.",
    mitigation="Deployments keep sessions in a shared store (a database, Redis) so restarts and "
    "several processes do not log users out.",
    solution="Server → Session store → sqlite; log in; Server → Restart server; open the "
    "secured page.",
)


def _expiry_setup(window) -> None:
    fresh_lab(window, browsers=2)
    window.controls.set_lifetimes(20, 60)


def _expiry_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for index, entry in enumerate(log.entries):
        for sid in _expired_in(entry):
            idle = next((b for b in (FIRST, SECOND) if sid in log.issued_to(b)), None)
            if idle is None:
                continue
            for hop in log.entries[index + 1 :]:
                if (
                    isinstance(hop, Hop)
                    and hop.browser != idle
                    and hop.welcomed
                    and not logins_between(log, entry, hop, hop.browser)
                ):
                    return solved()
    for hop in log.hops:
        if hop.logged_out:
            verdict = shortcut("logging out deletes a session. Let one expire while idle.")
    return verdict


def _expired_in(entry) -> list[str]:
    # Only a logged-in session counts: a pre-login row expiring proves nothing.
    events = entry.events if isinstance(entry, Hop) else getattr(entry, "event", None)
    events = events if isinstance(events, tuple) else (events,) if events else ()
    return [
        event.sid
        for event in events
        if event.kind == "expired" and event.record is not None and "userid" in event.record.data
    ]


EXPIRY = Challenge(
    key="expiry",
    title="Expiry: one idle session ends, an active one lives",
    goal="Log in with both browsers. Make Browser 1's session expire from idleness while "
    "Browser 2's stays alive. (Sessions last 20 s idle, 60 s at most.)",
    hints=(
        "Idle means: no request. Each request from a browser moves its expiry forward.",
        "Watch 'Expires in' in the store while you keep using one browser only.",
        "Log in with both; keep opening the secured page in Browser 2 for 20 s; leave "
        "Browser 1 alone.",
    ),
    setup=_expiry_setup,
    check=_expiry_check,
    explanation="Each request refreshed Browser 2's expiry; Browser 1's ran out and the server "
    "deleted it.",
    mitigation="Idle and absolute lifetimes limit how long a stolen id is worth anything.",
    solution="Log in with both browsers, then keep using Browser 2 only until Browser 1's row "
    "expires; open the secured page in Browser 2.",
)
