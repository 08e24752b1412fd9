"""A challenge on the Secure attribute: take a session that logged in over https, from http."""

from __future__ import annotations

from urllib.parse import urlsplit

from desktop.classroom.challenge import Challenge, Fix, Verdict, shortcut, solved
from desktop.classroom.challenge_log import ChallengeLog, Hop
from desktop.classroom.challenges.kit import FIRST, VICTIM, fresh_lab
from desktop.classroom.https_actions import HttpsActions
from desktop.classroom.walkthrough import WalkRun
from desktop.lab import https_settings


def _log_in_over_https(window) -> None:
    """Serve https, open its login page in Browser 1 and log alice in there."""
    actions = HttpsActions(window)
    actions.set_https(True)
    run = WalkRun(window)
    actions.open_over("https", run.browser(1))
    run.login(1, VICTIM)


def _eavesdrop_setup(window) -> None:
    fresh_lab(window, browsers=2)
    _log_in_over_https(window)


def _secure_cookie(window) -> None:
    # alice's cookie is set again, now with Secure: nothing plain is left in her jar.
    https_settings.set_secure_cookie(window.lab, True)
    _log_in_over_https(window)


def _sent_in_clear(log: ChallengeLog, before: Hop) -> set[str]:
    """Session ids alice's browser sent over plain http before ``before``: what a sniffer saw."""
    return {
        entry.cookie(log.cookie_name)
        for entry in log.before(before)
        if isinstance(entry, Hop)
        and entry.browser == FIRST
        and urlsplit(entry.exchange.url).scheme == "http"
        and entry.cookie(log.cookie_name)
    }


def _eavesdrop_check(log: ChallengeLog) -> Verdict | None:
    verdict = None
    for hop in log.hops:
        if hop.welcomed != VICTIM or hop.browser == FIRST:
            continue
        if any(h.browser != FIRST for h in log.logins_before(hop, user=VICTIM)):
            verdict = shortcut("you typed alice's password. Take her session off the wire.")
        elif hop.cookie(log.cookie_name) in _sent_in_clear(log, hop):
            return solved()
        else:
            verdict = shortcut(
                "that cookie never crossed plain http, so no eavesdropper could have read it "
                "(you took it from her jar). Make her browser send it over http first."
            )
    return verdict


EAVESDROP = Challenge(
    key="eavesdrop",
    title="Eavesdrop: take a session that logged in over https",
    goal="Alice (Browser 1) logged in over https, where nobody can read her traffic. You can "
    "read only what crosses plain http (the timeline's rows without https). Be alice in "
    "Browser 2.",
    hints=(
        "The lab answers on its http address too. What does alice's browser send there?",
        "A cookie names a host, not a scheme or a port: without Secure, it goes to http too.",
        "In Browser 1: Server → HTTPS → Open the login page over plain http; its cookie shows "
        "in the timeline. Copy it to Browser 2 (Browser → Copy this browser's session cookie "
        "to) and open the secured page there.",
    ),
    setup=_eavesdrop_setup,
    check=_eavesdrop_check,
    explanation="One plain http request was enough: alice's browser sent the cookie it got "
    "over https to the http address as well, readable by anyone on her network.",
    mitigation="Mark the session cookie Secure (better: name it __Host-), send HSTS so the "
    "browser never tries http for the site, and redirect http to https.",
    solution="In Browser 1 open the lab's http login page; copy Browser 1's session cookie to "
    "Browser 2; open the secured page in Browser 2.",
    fix=Fix("the session cookie marked Secure", _secure_cookie),
)
