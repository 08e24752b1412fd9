"""SameSite in full: one page on another site reaches the lab by a link, a form and an image."""

from __future__ import annotations

from desktop.browser.cookie_rules import SUBRESOURCE
from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough

HOW = {
    ("GET", "navigation"): "the link (a top-level GET)",
    ("POST", "navigation"): "the form (a top-level POST)",
    ("GET", SUBRESOURCE): "the image (an embedded GET)",
}


def cross_site_hops(run: WalkRun, number: int = 1, last: int = 3) -> list:
    """Return the last ``last`` requests another site's page made Browser ``number`` send."""
    name = run.browser(number).name
    entries = [
        entry
        for entry in run.window.inspectors.traffic_model.entries()
        if entry.browser == name and entry.exchange.initiator is not None
    ]
    return [entry.exchange for entry in entries[-last:]]


def carried(run: WalkRun) -> dict[str, str | None]:
    """For each of the last three cross-site requests: None if it carried the session
    cookie, else the reason the browser gave for holding it back."""
    cookie = run.window.lab.cookie_name
    result: dict[str, str | None] = {}
    for exchange in cross_site_hops(run):
        how = HOW.get((exchange.method, exchange.kind), f"{exchange.method} {exchange.path}")
        if cookie in exchange.cookies_sent:
            result[how] = None
        else:
            reasons = [w.reason for w in exchange.cookies_withheld if w.name == cookie]
            result[how] = reasons[0] if reasons else "the jar held no session cookie"
    return result


def _report(run: WalkRun) -> str:
    lines = []
    for how, reason in carried(run).items():
        how = how[0].upper() + how[1:]
        lines.append(
            f"{how}: carried the session cookie."
            if reason is None
            else f"{how}: held back ({reason})."
        )
    return " ".join(lines)


def _then(text: str):
    """An explanation: what each request carried, as it happened, then ``text``."""
    return lambda run: f"{_report(run)} {text}"


def _same_site(value: str):
    return lambda run: run.actions.set_same_site(value)


def _three_requests(run: WalkRun) -> None:
    run.actions.three_requests(run.browser(1))


def _highlight_jar(run: WalkRun) -> None:
    run.window.inspectors.highlight_cookie(run.window.lab.cookie_name)


SAME_SITE = Walkthrough(
    key="same_site",
    title="SameSite: a link, a form and an image from another site",
    teaches=(
        "A page on another site can reach the lab three ways: a link, a form, an embedded "
        "image. The session cookie's SameSite attribute decides which carry it: Strict none, "
        "Lax only the top-level GET (so a GET logout can still be forced), None all of them, "
        "but only with Secure. CSRF tokens stay the first wall; SameSite is the second."
    ),
    steps=(
        Step(
            "Log in as alice (the cookie says SameSite=Lax)",
            lambda run: run.login(1, "alice"),
            "The jar's SameSite column says Lax: the tutorial's setting, and browsers' default "
            "for a cookie that says nothing.",
            _highlight_jar,
        ),
        Step(
            "Visit another site's page: its link, its form, its image",
            _three_requests,
            _then(
                "Lax: only a top-level GET from another site carries the cookie. The POST was "
                "refused (400) for its missing CSRF token anyway: SameSite is a second wall."
            ),
        ),
        Step(
            "Set SameSite=Strict and log in again",
            (_same_site("Strict"), lambda run: run.login(1, "alice")),
            "Login sent a new Set-Cookie, now with SameSite=Strict (see the jar).",
            _highlight_jar,
        ),
        Step(
            "The three requests again",
            _three_requests,
            _then(
                "Strict: nothing another site starts carries the cookie, not even a link, so "
                "alice looks logged out on a page she reaches from a link elsewhere."
            ),
        ),
        Step(
            "No SameSite attribute, and log in again",
            (_same_site("unset"), lambda run: run.login(1, "alice")),
            "The new cookie has no SameSite: browsers treat it as Lax, with one exception.",
            _highlight_jar,
        ),
        Step(
            "The three requests again",
            _three_requests,
            _then(
                "A cookie without SameSite acts as Lax, except that Chrome (and the lab's "
                "browser) still let it ride a top-level POST in its first two minutes "
                "(Lax-allowing-unsafe), so that old sign-in flows kept working."
            ),
        ),
        Step(
            "Clear cookies, set SameSite=None, and log in",
            (
                lambda run: run.actions.clear_cookies(run.browser(1)),
                _same_site("None"),
                lambda run: run.login(1, "alice"),
            ),
            "The browser refused the cookie: SameSite=None without Secure is not allowed "
            "(see “Cookies the browser refused” and the timeline). With no session cookie the "
            "form's CSRF token matched nothing, so the login was refused (400). None needs "
            "Secure, so HTTPS; and then every site's requests carry the cookie.",
        ),
        Step(
            "Back to Lax: another site's free-ticket link logs alice out",
            (
                _same_site("Lax"),
                lambda run: run.login(1, "alice"),
                lambda run: run.actions.visit_logout_bait(run.browser(1)),
            ),
            "Lax lets a top-level GET carry the cookie, and the tutorial logs out on a GET: "
            "the other site logged alice out. That is the logout-CSRF challenge.",
        ),
        Step(
            "Log out only by POST (the challenge's fix), and try again",
            (
                lambda run: run.window.lab.set_fix("post_logout", True),
                lambda run: run.login(1, "alice"),
                lambda run: run.actions.visit_logout_bait(run.browser(1)),
            ),
            "Now a GET of the logout page only shows a form. The other site could post one, "
            "but Lax keeps the cookie off a cross-site POST, and the CSRF token is missing "
            "too: alice stays logged in.",
        ),
        Step(
            "Back to the tutorial's settings",
            (
                lambda run: run.window.lab.set_fix("post_logout", False),
                lambda run: run.secured_page(1),
            ),
            "SameSite=Lax, logout by GET: as the tutorial has it.",
        ),
    ),
)
