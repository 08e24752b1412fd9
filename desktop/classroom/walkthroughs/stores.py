"""Where sessions live: server-side or in a signed cookie, weak keys, and server restarts."""

from __future__ import annotations

from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough, secured_page_step
from desktop.inspectors.cookie_forensics import key_space_sentence
from server.paths import LOGIN_PATH


def _guess_and_forge(run: WalkRun) -> None:
    run.notes["guess"] = run.actions.guess_key_and_forge(run.browser(2), "admin")


def _guess_text(run: WalkRun) -> str:
    guess = run.notes["guess"]
    if guess.key is not None:
        return (
            f"The attacker tried {guess.tried} common words against its own signed cookie and "
            f"found the key {guess.key!r}. With it, it signed a cookie saying userid=admin and "
            "put it in its jar."
        )
    return (
        f"The attacker tried all {guess.tried} words of its list and none signs the cookie. "
        f"{key_space_sentence()}"
    )


def _save_copy(run: WalkRun) -> None:
    run.notes["copied"] = run.actions.copy_session_cookie(run.browser(1), run.browser(2))


COOKIE_STORE = Walkthrough(
    key="cookie_store",
    title="Store switch: a session inside a signed cookie",
    store="cookie",
    teaches=(
        "Flask's default session lives in the cookie itself: anyone can read it, only the "
        "server can sign it. Since the server keeps nothing, logout cannot revoke a copy of the "
        "cookie taken before, and a guessable secret key lets anyone forge one."
    ),
    steps=(
        Step(
            "Log in as alice (signed-cookie store)",
            lambda run: run.login(1, "alice"),
            "The store inspector is empty: the server kept nothing. The jar shows the cookie's "
            "decoded payload, userid included: anyone can read this; only the server can sign "
            "it.",
        ),
        Step(
            "Copy the cookie into Browser 2 (a saved copy)",
            _save_copy,
            "Browser 2 holds a copy of alice's signed cookie.",
        ),
        Step(
            "Alice logs out in Browser 1",
            lambda run: run.logout(1),
            "The server told Browser 1 to drop its cookie, but it has no record to delete.",
        ),
        secured_page_step(
            "Browser 2 opens the secured page with the old copy",
            2,
            "Still 'Welcome USER: alice': the copy is validly signed, and nothing on the "
            "server says it was logged out. This is the classic weakness of client-side "
            "sessions.",
        ),
        Step(
            "Turn on a weak secret key",
            lambda run: run.window.controls.set_switch("weak_key", True),
            "The red bar says the server now signs with a dictionary word.",
        ),
        Step(
            "Attacker clears its cookies and opens the login page",
            lambda run: (
                run.actions.clear_cookies(run.browser(2)),
                run.open(2, LOGIN_PATH),
            ),
            "The attacker has a cookie signed with the weak key (holding a CSRF token).",
        ),
        Step(
            "Guess the key from a word list and forge a cookie for admin",
            _guess_and_forge,
            _guess_text,
        ),
        secured_page_step(
            "Attacker opens the secured page",
            2,
            "'Welcome USER: admin': a forged cookie is as good as a real one.",
        ),
        Step(
            "Back to the generated key, and try again",
            lambda run: (
                run.window.controls.set_switch("weak_key", False),
                run.actions.clear_cookies(run.browser(2)),
                run.open(2, LOGIN_PATH),
            ),
            "The server signs with its generated key again; the attacker got a fresh cookie.",
        ),
        Step("Guess the key again", _guess_and_forge, _guess_text),
    ),
)


RESTART = Walkthrough(
    key="restart",
    title="Restart the server",
    teaches=(
        "Sessions in an SQLite file survive a restart; sessions in memory vanish with the "
        "process; signed-cookie sessions survive as long as the secret key does, and rotating "
        "the key logs everyone out at once."
    ),
    steps=(
        Step(
            "Log in as alice (SQLite store)",
            lambda run: run.login(1, "alice"),
            "alice's session is a row in the SQLite file.",
        ),
        Step(
            "Restart the server",
            lambda run: run.window.controls.restart_server(),
            "A new server read the same file: the row is still there.",
        ),
        secured_page_step("Open the secured page", 1, "Still logged in."),
        Step(
            "Switch to the memory store and log in",
            (
                lambda run: run.switch_store("memory"),
                lambda run: run.login(1, "alice"),
            ),
            "alice's session now lives in the server process's memory.",
        ),
        Step(
            "Restart the server",
            lambda run: run.window.controls.restart_server(),
            "The new process started with an empty store: the row is gone.",
        ),
        secured_page_step(
            "Open the secured page",
            1,
            "Not logged in: the browser's id names a session nobody remembers.",
        ),
        Step(
            "Switch to the signed-cookie store, log in and restart",
            (
                lambda run: run.switch_store("cookie"),
                lambda run: run.login(1, "alice"),
                lambda run: run.window.controls.restart_server(),
                lambda run: run.secured_page(1),
            ),
            "Still logged in after the restart: the session was in the cookie, and the key "
            "file survived.",
        ),
        Step(
            "Rotate the secret key",
            lambda run: run.actions.rotate_secret_key(),
            "The server signs with a brand-new key.",
        ),
        secured_page_step(
            "Open the secured page",
            1,
            "Not logged in: the old signature no longer checks out. Rotating the key logs "
            "everyone out.",
        ),
    ),
)
