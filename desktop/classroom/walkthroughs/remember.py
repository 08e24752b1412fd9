"""Remember me: a persistent cookie, a hashed and rotating validator, and theft detection."""

from __future__ import annotations

from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough
from server.paths import LOGIN_PATH
from server.remember_me import COOKIE_NAME, LIFETIME


def login_remembered(run: WalkRun, number: int = 1, userid: str = "alice") -> None:
    """Log Browser ``number`` in with "Remember me" ticked."""
    browser = run.browser(number)
    browser.pane.set_remember_offered(True)
    browser.pane.userid_edit.setText(userid)
    browser.pane.passwd_edit.setText("secret")
    browser.pane.remember_box.setChecked(True)
    browser.controller.open(LOGIN_PATH)  # the form as it is now, with its box
    browser.controller.login(userid, "secret", remember=True)


def _steal(run: WalkRun) -> None:
    stolen = run.browser(1).cookie(COOKIE_NAME)
    run.notes["stolen"] = stolen
    if stolen is not None:
        run.actions.add_cookie(run.browser(2), COOKIE_NAME, stolen, max_age=LIFETIME)


def _tokens(run: WalkRun) -> list:
    return run.window.inspectors.remember_model.tokens()


def _after_use(run: WalkRun) -> str:
    now = run.browser(1).cookie(COOKIE_NAME)
    stolen = run.notes.get("stolen") or ":"
    rotated = now is not None and now != stolen and now.split(":")[0] == stolen.split(":")[0]
    tokens = _tokens(run)
    uses = tokens[0].uses if tokens else 0
    return (
        "No session cookie, but the remember cookie logged alice back in: the server checked "
        "the validator against its hash, started a new session (a new id) and "
        + (
            "gave the cookie a new validator under the same selector (the jar's value and the "
            f"store's hash changed; uses: {uses}). The copy the thief holds is now an old one."
            if rotated
            else "should have rotated the validator."
        )
    )


def _after_theft(run: WalkRun) -> str:
    left = len(_tokens(run))
    return (
        "The selector is known but the validator is an old one: someone has used a copy. "
        f"The server revoked every remember token of alice ({left} left) and told this browser "
        "to delete its cookie, so the thief is not logged in. (A real site would also end "
        "alice's sessions and tell her.)"
    )


REMEMBER_ME = Walkthrough(
    key="remember_me",
    title="Remember me: persistent cookies and theft detection",
    teaches=(
        "“Remember me” is a second, persistent cookie that logs the user back in once the "
        "session cookie is gone. It holds a selector and a secret validator; the server keeps "
        "only the validator's hash and changes it at every use, so a copied cookie works once, "
        "and an old validator coming back means it was stolen."
    ),
    steps=(
        Step(
            "Offer “Remember me”, and log in with it ticked",
            (lambda run: run.actions.set_remember_me(True), login_remembered),
            "Two cookies now. sessionid has no expiry (Expires: Session): it dies with the "
            "browser. remember_token has Max-Age (two weeks) and holds selector:validator. The "
            "store's new table keeps the selector and only a SHA-256 hash of the validator.",
            lambda run: run.window.inspectors.highlight_cookie(COOKIE_NAME),
        ),
        Step(
            "A thief copies the remember cookie into Browser 2",
            _steal,
            "Browser 2 holds a copy of alice's remember cookie, as malware or a shared "
            "computer could give it to someone. Nobody has used it yet.",
        ),
        Step(
            "Close and reopen Browser 1",
            lambda run: run.actions.close_and_reopen(run.browser(1)),
            "The session cookie is gone, as when a browser quits; the persistent remember "
            "cookie stayed. (The session itself still lives on the server until it expires.)",
            lambda run: run.window.inspectors.highlight_cookie(COOKIE_NAME),
        ),
        Step("Browser 1 opens the secured page", lambda run: run.secured_page(1), _after_use),
        Step(
            "The thief's Browser 2 opens the secured page",
            lambda run: run.secured_page(2),
            _after_theft,
        ),
        Step(
            "Close and reopen Browser 1, and open the secured page",
            (
                lambda run: run.actions.close_and_reopen(run.browser(1)),
                lambda run: run.secured_page(1),
            ),
            "alice's own token was revoked too: she must log in with her password again. "
            "That is the price of theft detection, and her sign that something is wrong.",
        ),
        Step(
            "Stop offering “Remember me”",
            lambda run: run.actions.set_remember_me(False),
            "The login form is the tutorial's again.",
        ),
    ),
)
