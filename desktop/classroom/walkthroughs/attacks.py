"""Attacks on sessions: stealing a cookie, fixing an id, tampering, a request from another site."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough, secured_page_step
from server.paths import LOGIN_PATH


def _highlight_sid(number: int):
    return lambda run: run.window.inspectors.highlight_session(run.sid(number))


def _tamper(run: WalkRun) -> None:
    """Edit the session cookie's value in the jar table, as in developer tools."""
    model = run.window.inspectors.cookie_model
    names = [row.name for row in model.rows()]
    row = names.index(run.window.lab.cookie_name)
    value = model.rows()[row].value
    # Change a character in the middle: the last base64 character carries padding bits that
    # decoding ignores, so changing it may change nothing at all.
    middle = next(i for i in range(len(value) // 2, len(value)) if value[i] != ".")
    swapped = "x" if value[middle] != "x" else "y"
    run.notes["tampered"] = value[:middle] + swapped + value[middle + 1 :]
    model.setData(
        model.index(row, model.VALUE_COLUMN), run.notes["tampered"], Qt.ItemDataRole.EditRole
    )


def _steal(run: WalkRun) -> None:
    run.actions.copy_session_cookie(run.browser(1), run.browser(2))


def _attacker_gets_id(run: WalkRun) -> None:
    run.open(2, LOGIN_PATH)


def _plant(run: WalkRun) -> None:
    run.notes["planted"] = run.sid(2)
    run.actions.plant_session_id(run.browser(1), run.notes["planted"])


HIJACK = Walkthrough(
    key="hijack",
    title="Steal a session (hijacking)",
    teaches=(
        "Whoever holds the session id is the user: the server cannot tell a copied cookie from "
        "the original. With a server-side store, logging out deletes the session itself, so "
        "the stolen copy stops working too."
    ),
    steps=(
        Step(
            "Victim logs in as alice in Browser 1",
            lambda run: run.login(1, "alice"),
            "Browser 1 holds alice's session id.",
            _highlight_sid(1),
        ),
        secured_page_step(
            "Thief opens the secured page in Browser 2",
            2,
            "The thief has a session of its own, without a user: not logged in.",
        ),
        Step(
            "Copy Browser 1's session cookie into Browser 2",
            _steal,
            "The thief's jar now holds the victim's session id. The store row of alice's "
            "session is held by both browsers.",
            _highlight_sid(1),
        ),
        secured_page_step(
            "Thief opens the secured page",
            2,
            "The thief sent the victim's id, and the server welcomed alice in Browser 2.",
            _highlight_sid(2),
        ),
        Step(
            "Victim logs out in Browser 1",
            lambda run: run.logout(1),
            "Logout deleted alice's session on the server, not only the victim's cookie.",
        ),
        secured_page_step(
            "Thief tries the secured page again",
            2,
            "The thief still sends the copied id, but the server no longer has that session: "
            "not logged in. A server-side store can end a session for everyone who holds it.",
        ),
    ),
)

FIXATION = Walkthrough(
    key="fixation",
    title="Session fixation",
    teaches=(
        "If the server keeps the same session id across login, an attacker who plants a known "
        "id in the victim's browser shares the victim's logged-in session. Giving the session a "
        "new id at login (rotation) makes the planted id worthless."
    ),
    steps=(
        Step(
            "Turn on the vulnerable server (no id rotation at login)",
            lambda run: run.window.controls.set_switch("no_rotation", True),
            "The red bar shows the server is weakened: login will keep the session id.",
        ),
        Step(
            "Attacker opens the login page in Browser 2",
            _attacker_gets_id,
            lambda run: f"The server gave the attacker session {run.short(run.sid(2))}.",
            _highlight_sid(2),
        ),
        Step(
            "Plant the attacker's id in the victim's Browser 1",
            _plant,
            "The victim's jar now holds the attacker's session id. A script injected into "
            "the site (XSS), a sibling subdomain setting a Domain cookie, or a network "
            "attacker on plain HTTP could plant it; this server reads ids only from cookies.",
            _highlight_sid(1),
        ),
        Step(
            "Victim opens the login page and logs in as alice",
            (lambda run: run.open(1, LOGIN_PATH), lambda run: run.login(1, "alice")),
            lambda run: (
                f"The id stayed {run.short(run.sid(1))}: the session the attacker "
                "knows now says userid=alice."
            ),
            _highlight_sid(1),
        ),
        secured_page_step(
            "Attacker opens the secured page",
            2,
            "The attacker is welcomed as alice: the fixation worked.",
        ),
        Step(
            "Turn protection back on",
            lambda run: run.window.controls.set_switch("no_rotation", False),
            "The red bar is gone: login rotates the id again.",
        ),
        Step(
            "Attacker plants a fresh id and the victim logs in again",
            (lambda run: run.logout(1), _attacker_gets_id),
            "The victim logged out; the attacker got a new id.",
        ),
        Step("Plant it in Browser 1 again", _plant, "The victim's jar holds the attacker's id."),
        Step(
            "Victim opens the login page and logs in as alice",
            (lambda run: run.open(1, LOGIN_PATH), lambda run: run.login(1, "alice")),
            lambda run: (
                f"Login replaced the planted id {run.short(run.notes['planted'])} "
                f"with {run.short(run.sid(1))}."
            ),
            _highlight_sid(1),
        ),
        secured_page_step(
            "Attacker opens the secured page",
            2,
            "The planted id was deleted at login, so the attacker is not logged in.",
        ),
    ),
)

TAMPER = Walkthrough(
    key="tamper",
    title="Tamper with a cookie",
    teaches=(
        "A session cookie is only as good as the server's check of it. A changed server-side "
        "id names no session; a changed signed cookie fails its signature. Either way the "
        "server treats the request as having no session."
    ),
    steps=(
        Step(
            "Log in as alice",
            lambda run: run.login(1, "alice"),
            "Browser 1 holds alice's session id.",
            _highlight_sid(1),
        ),
        Step(
            "Edit the cookie's value in the jar",
            _tamper,
            "One character of the id changed, as you could do in developer tools.",
            lambda run: run.window.inspectors.highlight_cookie(run.window.lab.cookie_name),
        ),
        secured_page_step(
            "Open the secured page",
            1,
            "The server has no session under the edited id, so nobody is logged in; it told "
            "the browser to drop the unknown cookie.",
        ),
        Step(
            "Switch to the signed-cookie store and log in",
            (
                lambda run: run.switch_store("cookie"),
                lambda run: run.login(1, "alice"),
            ),
            "Now the whole session is in the cookie, signed with the server's key.",
        ),
        Step("Edit the signed cookie", _tamper, "The payload or signature no longer match."),
        secured_page_step(
            "Open the secured page",
            1,
            "The signature check failed, so the server ignored the cookie: not logged in.",
        ),
    ),
)

CROSS_SITE = Walkthrough(
    key="cross_site",
    title="A request from another site (login CSRF)",
    teaches=(
        "A page on another site can make your browser post a form to the lab's server. The "
        "CSRF token, which that site cannot read, is how the server tells its own forms from "
        "forged ones; without the check the attacker logs you in as the attacker."
    ),
    steps=(
        Step(
            "Visit a page on another site and click its button",
            lambda run: run.actions.visit_other_site(run.browser(1)),
            "The other site's form posted to the login page without a CSRF token. The server "
            "refused it (400) and nobody was logged in. The timeline shows the Origin header.",
        ),
        Step(
            "Turn off the CSRF check",
            lambda run: run.window.controls.set_switch("no_csrf", True),
            "The red bar warns that the server no longer checks CSRF tokens.",
        ),
        Step(
            "Visit the other site again",
            lambda run: run.actions.visit_other_site(run.browser(1)),
            "This time the forged login went through: Browser 1 is now logged in as mallory, "
            "the attacker, and whatever the victim does next happens in mallory's account.",
            _highlight_sid(1),
        ),
        Step(
            "Turn the CSRF check back on",
            lambda run: run.window.controls.set_switch("no_csrf", False),
            "Protection is back; the red bar is gone.",
        ),
    ),
)
