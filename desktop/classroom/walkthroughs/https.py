"""HTTPS, Secure and cookie prefixes: one server on http and https, and what the browser does."""

from __future__ import annotations

from desktop.classroom.https_actions import CERTIFICATE_WARNING, HttpsActions
from desktop.classroom.walkthrough import Step, WalkRun, Walkthrough
from desktop.lab import https_settings
from server.lab_hsts import LAB_HEADER
from server.paths import LOGIN_PATH, SECURED_PATH

HOST_NAME = "__Host-sessionid"


def _https(run: WalkRun) -> HttpsActions:
    return HttpsActions(run.window)


def _open(scheme: str, path: str = LOGIN_PATH):
    return lambda run: _https(run).open_over(scheme, run.browser(1), path)


def _secure(on: bool):
    return lambda run: https_settings.set_secure_cookie(run.window.lab, on)


def _name(name: str):
    return lambda run: https_settings.set_cookie_name(run.window.lab, name)


def last_exchange(run: WalkRun):
    """Return Browser 1's last exchange, or None."""
    name = run.browser(1).name
    entries = [e for e in run.window.inspectors.traffic_model.entries() if e.browser == name]
    return entries[-1].exchange if entries else None


def _reasons(run: WalkRun, kind: str) -> list[str]:
    """The reasons of Browser 1's recent refusals: ``kind`` "withheld" or "rejected"."""
    name = run.browser(1).name
    entries = [e for e in run.window.inspectors.traffic_model.entries() if e.browser == name]
    found = []
    for entry in entries[-4:]:
        found += [w.reason for w in getattr(entry.exchange, f"cookies_{kind}")]
    return found


def _highlight_jar(run: WalkRun) -> None:
    run.window.inspectors.highlight_cookie(run.window.lab.cookie_name)


def _served(run: WalkRun) -> str:
    lab = run.window.lab
    if lab.https_url is None:
        return "The lab could not serve https here; the status line says why."
    return (
        f"The same server now also answers on {lab.https_url}, with a certificate issued by a "
        "certificate authority the lab made a moment ago. The lab's browser trusts that CA, and "
        "only it, so this TLS connection is checked as on a real site: nobody on the way can "
        f"read or change it. The http address {lab.url} still works: same server, same sessions."
    )


def _over_http(run: WalkRun) -> str:
    exchange = last_exchange(run)
    sent = exchange is not None and run.window.lab.cookie_name in exchange.cookies_sent
    if not sent:
        return "The browser sent no session cookie over http."
    return (
        "Welcome, alice, over plain http: the browser sent the session cookie there too, where "
        "anyone on the network can read and replay it. A cookie names a host, not a scheme or "
        "a port, so one http link (or an image another page embeds) is enough to leak it. "
        "HTTPS alone does not protect a cookie; the Secure attribute does."
    )


def _held_back(run: WalkRun) -> str:
    reasons = _reasons(run, "withheld")
    if not reasons:
        return "The browser should have held the Secure cookie back."
    return (
        f"Held back: “{reasons[-1]}” (the timeline's detail says so under “Cookies held but not "
        "sent”). So alice looks logged out on http, and her session id never crosses the "
        "network in clear."
    )


def _refused(run: WalkRun) -> str:
    reasons = _reasons(run, "rejected")
    said = f"“{reasons[-1]}”" if reasons else "the browser should have refused it"
    return (
        f"The server's Set-Cookie says Secure but came over http, so the browser refused it: "
        f"{said}. Without a session cookie the form's CSRF token matched no session, so the "
        "login was refused (400). Over http, a Secure cookie can be neither set nor sent."
    )


def _host_kept(run: WalkRun) -> str:
    kept = run.browser(1).cookie(HOST_NAME) is not None
    return (
        (
            f"The browser kept {HOST_NAME}: Secure, set over https, Path=/ and no Domain, as "
            "the prefix demands."
            if kept
            else f"The browser should have kept {HOST_NAME}."
        )
        + " A __Host- cookie cannot be planted or overwritten by an http page or by another "
        "subdomain; __Secure- asks for Secure and https only. The server reads only the new "
        "name now, so the old sessionid cookie in the jar is ignored."
    )


def _host_refused(run: WalkRun) -> str:
    reasons = [r for r in _reasons(run, "rejected") if "__Host-" in r]
    said = f"“{reasons[-1]}”" if reasons else "the browser should have refused it"
    return (
        f"Without Secure the browser refuses {HOST_NAME}: {said}. A prefix turns a forgotten "
        "Secure attribute into a failure everyone sees at once, instead of a silent leak."
    )


def _hsts_on(run: WalkRun) -> str:
    hosts = ", ".join(sorted(run.browser(1).controller.client.hsts.hosts)) or "no host"
    return (
        f"The https answer carried {LAB_HEADER}: max-age={https_settings.HSTS_SECONDS}, the "
        "lab's stand-in for Strict-Transport-Security: the lab's browser now keeps "
        f"{hosts} on its HSTS list. The lab never sends the real header: a real browser would "
        "then use https for 127.0.0.1 on every port, for every local project, for that long."
    )


def _upgraded(run: WalkRun) -> str:
    exchange = last_exchange(run)
    ok = exchange is not None and exchange.url.startswith("https://")
    return (
        "Upgraded by HSTS: the browser changed http to https before sending anything (the "
        "timeline's 307 Internal Redirect, as Chrome's developer tools show it), so not even "
        "the first request went in clear. Only the very first visit is left open; browsers' "
        "preload lists close that for real sites."
        if ok
        else "The browser should have upgraded the address to https."
    )


def _own_browser(run: WalkRun) -> str:
    url = run.window.lab.https_url
    return f"Session Lab asked your system to open {url}{LOGIN_PATH}. {CERTIFICATE_WARNING}"


def _back(run: WalkRun) -> None:
    https_settings.https_settings_default(run.window.lab)
    run.actions.clear_cookies(run.browser(1))  # the HSTS list goes with "clear site data"


HTTPS = Walkthrough(
    key="https",
    title="HTTPS, Secure and cookie prefixes",
    teaches=(
        "HTTPS hides cookies on the wire, but a cookie names a host, not a scheme: only "
        "Secure keeps it off plain http. The __Secure- and __Host- prefixes make the browser "
        "check those attributes, and HSTS makes it refuse plain http for a host altogether. "
        "The lab's own CA gives its browser a checked padlock; your own browser warns, rightly."
    ),
    steps=(
        Step(
            "Serve the lab over https too, and open its login page there",
            (lambda run: _https(run).set_https(True), _open("https")),
            _served,
        ),
        Step(
            "Log in as alice over https (the cookie is not Secure)",
            lambda run: run.login(1, "alice"),
            "Logged in over TLS. The jar's Secure column is empty: the tutorial's cookie "
            "does not ask for https.",
            _highlight_jar,
        ),
        Step("Open the secured page over plain http", _open("http", SECURED_PATH), _over_http),
        Step(
            "Mark the cookie Secure, and log in again over https",
            (_secure(True), _open("https"), lambda run: run.login(1, "alice")),
            "The new Set-Cookie says Secure: see the jar's Secure column.",
            _highlight_jar,
        ),
        Step("The secured page over plain http again", _open("http", SECURED_PATH), _held_back),
        Step(
            "Log in over plain http",
            (_open("http"), lambda run: run.login(1, "alice")),
            _refused,
        ),
        Step(
            f"Call the cookie {HOST_NAME}, and log in over https",
            (_name(HOST_NAME), _open("https"), lambda run: run.login(1, "alice")),
            _host_kept,
            _highlight_jar,
        ),
        Step(
            f"Take Secure away from {HOST_NAME}",
            (_secure(False), lambda run: run.actions.clear_cookies(run.browser(1)), _open("https")),
            _host_refused,
        ),
        Step(
            "HSTS: the https answers ask the lab's browser for https only",
            (
                _secure(True),
                _name(https_settings.DEFAULT_COOKIE_NAME),
                lambda run: https_settings.set_hsts(run.window.lab, True),
                _open("https"),
            ),
            _hsts_on,
        ),
        Step("Type the lab's http address", _open("http"), _upgraded),
        Step(
            "Open the https page in your own browser",
            lambda run: _https(run).open_in_system_browser(),
            _own_browser,
        ),
        Step(
            "Back to the tutorial's cookie (the lab keeps serving https)",
            (_back, _open("http")),
            "sessionid without Secure, no HSTS, the jar and the HSTS list cleared.",
        ),
    ),
)
