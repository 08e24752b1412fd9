"""One plain sentence (or three) on what an exchange did to the cookie jar and the session store."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from desktop.browser.cookie_rules import LOCALHOST_NOTE
from desktop.browser.exchange import Exchange, header_value
from desktop.browser.page_parser import parse_page
from desktop.inspectors.typed_text import shown_as_typed
from server.balancer import ROUTE_HEADER, SERVER_HEADER, STICKY_COOKIE, VIA
from server.records import SessionEvent

SESSION_COOKIE = "sessionid"


def short_id(sid: str | None) -> str:
    """Return the first characters of a session id, enough to tell sessions apart."""
    return f"{sid[:4]}…" if sid else "?"


def answered_by(exchange: Exchange) -> tuple[bool, str | None]:
    """Whether the lab's load balancer passed the exchange on, and which lab server answered
    (None when the balancer answered itself, or no server said)."""
    balanced = VIA in (header_value(exchange.response_headers, "via") or "")
    return balanced, header_value(exchange.response_headers, SERVER_HEADER)


def _balancer_sentence(exchange: Exchange) -> str | None:
    balanced, answered = answered_by(exchange)
    if not balanced:
        return None
    if answered is None:
        return "The load balancer answered itself: no lab server took this request."
    route = header_value(exchange.response_headers, ROUTE_HEADER)
    if route == "sticky":
        return (
            f"The load balancer passed this request to server {answered}, the server the "
            f"browser's {STICKY_COOKIE} cookie names (a sticky session)."
        )
    if any(c.name == STICKY_COOKIE for c in exchange.cookies_set):
        return (
            f"The load balancer passed this request to server {answered} and pinned the "
            f"browser to it with its own cookie, {STICKY_COOKIE}={answered}."
        )
    if route == "failover":
        return (
            f"The load balancer passed this request to server {answered}: the server whose "
            "turn it was did not answer."
        )
    return (
        f"The load balancer passed this request to server {answered} (round robin: each "
        "request goes to the next server)."
    )


def _user(event: SessionEvent) -> str:
    userid = event.record.data.get("userid") if event.record else None
    return f" (user {shown_as_typed(str(userid))})" if userid else ""


def _pre_login_note(created: SessionEvent) -> str | None:
    # A session made for the login form holds only its CSRF token, and lives minutes only.
    record = created.record
    if record is None or "userid" in record.data or record.expires <= record.created:
        return None
    minutes = max(1, round((record.expires - record.created) / 60))
    return (
        "Nobody is logged in yet: the session holds only the form's CSRF token, and the server "
        f"keeps it {minutes} minute{'s' if minutes != 1 else ''} unless someone logs in, so "
        "visits that never log in do not fill the store."
    )


def explain(
    exchange: Exchange,
    events: Sequence[SessionEvent],
    *,
    server_side: bool = True,
    cookie_name: str = SESSION_COOKIE,
    signature_ok: bool | None = None,
) -> str:
    """Say what happened in ``exchange``, given the store ``events`` it caused."""
    if header_value(exchange.response_headers, "Non-Authoritative-Reason") == "HSTS":
        return upgraded_by_hsts(exchange)
    by_kind = {event.kind: event for event in events}
    sent = exchange.cookies_sent.get(cookie_name)
    set_cookie = next((c for c in exchange.cookies_set if c.name == cookie_name), None)
    held_back = _held_back_reason(exchange, cookie_name) if sent is None else None
    sentences = []
    if expired := by_kind.get("expired"):
        sentences.append(
            f"Session {short_id(expired.sid)} had expired, so the server refused it and deleted it."
        )
    if rotated := by_kind.get("rotated"):
        sentences.append(
            f"Login rotated the session id: the server replaced session "
            f"{short_id(rotated.old_sid)} with {short_id(rotated.sid)}{_user(rotated)} and told "
            "the browser to keep the new id in its cookie."
        )
    elif created := by_kind.get("created"):
        sentences.append(
            f"The server created session {short_id(created.sid)}, and told the browser to keep "
            "it in a cookie."
        )
        if (note := _pre_login_note(created)) is not None:
            sentences.append(note)
    if deleted := by_kind.get("deleted"):
        sentences.append(
            f"Logout deleted session {short_id(deleted.sid)}{_user(deleted)} on the server, and "
            "the server told the browser to delete its cookie."
        )
    if exchange.interrupted_by is not None:
        # The old server's store events were not followed: say so rather than guess.
        sentences = [
            f"This request was answered just as {exchange.interrupted_by}: what it changed in "
            "the old server's store is not shown."
        ]
    elif not sentences:
        sentences.append(
            _quiet_exchange(
                exchange, by_kind, sent, set_cookie, server_side, signature_ok, held_back
            )
        )
    if (balancer := _balancer_sentence(exchange)) is not None:
        sentences.insert(0, balancer)
    if exchange.initiator is not None:
        how = "An image on" if exchange.kind == "subresource" else "A page on"
        sentences.insert(
            0,
            f"{how} another site ({exchange.initiator}) made the browser send this request.",
        )
    if withheld := exchange.cookies_withheld:
        names = sorted({w.name for w in withheld})
        sentences.append(
            f"The browser held back {', '.join(names)}: see “Cookies held but not sent”."
        )
    if rejected := exchange.cookies_rejected:
        names = ", ".join(sorted({r.name for r in rejected}))
        sentences.append(
            f"The browser refused to store {names}: see “Cookies the browser refused”."
        )
    if exchange.status in (301, 302, 303, 307, 308) and exchange.location:
        sentences.append(f"Then it redirected the browser to {exchange.location}.")
    elif exchange.status == 400 and _stale_form(exchange):
        sentences.append(
            "The form's CSRF token did not match this browser's session (the form was loaded "
            "before that session ended, the cookies changed, or the server restarted), so the "
            "server refused the login (400). Submit again: with no form on screen, the "
            "browser loads a fresh one first."
        )
    elif exchange.status == 400:
        sentences.append("The server refused the request as invalid (400); see the page.")
    elif exchange.status >= 400:
        sentences.append(f"The server answered {exchange.status} {exchange.reason}.")
    return " ".join(sentences)


def upgraded_by_hsts(exchange: Exchange) -> str:
    """Say that the browser itself turned an http request into https (HSTS)."""
    host = urlsplit(exchange.url).hostname
    return (
        f"Upgraded by HSTS: nothing was sent over plain http. {host} is on the browser's HSTS "
        "list (an earlier https answer asked for it), so the browser itself changed the "
        f"address to {exchange.location} before anything left this computer; Chrome's "
        "developer tools show the same 307 Internal Redirect. (Two simplifications: real "
        "browsers keep no HSTS for an IP address such as 127.0.0.1, only for names, and on a "
        "real site http and https share their default ports, so only the scheme changes.)"
    )


def _stale_form(exchange: Exchange) -> bool:
    """Tell whether a refused POST was refused for its CSRF token (a stale form, not a typo)."""
    if exchange.method != "POST" or exchange.initiator is not None:
        return False
    errors = parse_page(exchange.response_body).errors
    return "csrf_token" in errors or any("CSRF" in text for text in errors.get("page", []))


def _held_back_reason(exchange: Exchange, cookie_name: str) -> str | None:
    """Say why the browser kept its session cookie back from ``exchange``, or None."""
    own = next((w.reason for w in exchange.cookies_withheld if w.name == cookie_name), None)
    # The note on real browsers and localhost belongs to the cookie's row, not to this sentence.
    return own.removesuffix(LOCALHOST_NOTE) if own is not None else None


def _no_cookie_sent(held_back: str | None) -> str:
    """Begin the sentence for a request without a session cookie: none, or one held back."""
    if held_back is None:
        return "The browser had no session cookie to send"
    # The visitor "without a session" has one: say why the browser kept it back.
    return f"The browser held back its session cookie ({held_back})"


def _quiet_exchange(
    exchange, by_kind, sent, set_cookie, server_side, signature_ok, held_back
) -> str:
    if not server_side:
        if sent and signature_ok is False:
            return (
                "The browser sent a session cookie whose signature does not match the server's "
                "key (it was changed, or signed with another key), so the server ignored it: "
                "no session."
            )
        if set_cookie is not None and set_cookie.deletes:
            return "The server told the browser to delete its session cookie."
        if set_cookie is not None:
            return (
                "The server wrote the whole session into the cookie itself: signed, so nobody "
                "without the server's key can change it, but not encrypted, so anyone can read it."
            )
        if sent:
            return (
                "The browser sent its session cookie; the server checked its signature and read it."
            )
        return _no_cookie_sent(held_back) + "."
    if changed := by_kind.get("changed"):
        return (
            f"The browser sent its session cookie; the server found session "
            f"{short_id(changed.sid)}{_user(changed)} and noted that it was just used."
        )
    if sent and set_cookie is not None and set_cookie.deletes:
        return (
            "The browser sent a session cookie the server does not know (expired, deleted or "
            "made up), so the server ignored it and told the browser to delete it."
        )
    if sent:
        return "The browser sent a session cookie, but the server had no session for it."
    return _no_cookie_sent(held_back) + ", so the server saw a visitor without a session."
