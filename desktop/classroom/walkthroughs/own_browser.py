"""Open the lab in your own browser, and check from the server's side that it arrived."""

from __future__ import annotations

from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough
from server.paths import LOGIN_PATH


def _open_own_browser(run: WalkRun) -> None:
    # The sessions the lab's browsers already have: a new one must come from elsewhere.
    run.notes["known"] = {record.sid for record in run.window.lab.sessions()}
    run.notes["opened"] = run.actions.open_in_system_browser()


def _opened_text(run: WalkRun) -> str:
    url = run.window.lab.url + LOGIN_PATH
    if not run.notes.get("opened"):
        return (
            "No default browser could be opened here; copy the server's URL from the status "
            f"bar ({url}) into your browser instead, then press Next."
        )
    return (
        f"Session Lab asked your system to open {url} in your default browser. If it opened, "
        "log in there and compare its developer tools with the lab's inspectors, then press "
        "Next: the lab checks the server for your browser's session."
    )


def _foreign_sessions(run: WalkRun) -> list:
    held = {browser.cookie(run.window.lab.cookie_name) for browser in run.window.browsers}
    known = run.notes.get("known", set())
    return [r for r in run.window.lab.sessions() if r.sid not in known and r.sid not in held]


def _arrived_text(run: WalkRun) -> str:
    # Only what the server saw is claimed: a session that no lab browser holds.
    foreign = _foreign_sessions(run)
    if not foreign:
        return (
            "The server has no session from another browser yet, so nothing says your browser "
            "arrived. If it did not open, paste the URL from the status bar into it; its "
            "session then appears in the store, held by no lab browser."
        )
    users = ", ".join(r.data.get("userid") or "nobody logged in yet" for r in foreign)
    return (
        f"The server has {len(foreign)} session(s) that no lab browser holds ({users}): "
        f"your browser's, {run.short(foreign[0].sid)} in the store. Its cookie in your "
        "browser's developer tools carries the same id."
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
        Step("Open the login page in your browser", _open_own_browser, _opened_text),
        Step(
            "Check the store for your browser's session",
            lambda run: None,
            _arrived_text,
            lambda run: run.window.inspectors.highlight_session(
                next((r.sid for r in _foreign_sessions(run)), None)
            ),
        ),
    ),
)
