"""The words of the sequence diagram: notes for cookies and forms, labels for store changes.

Plain Python, no Qt. Values go through a :class:`Naming`, so the screen shows short ids and an
export shows redaction labels (see :mod:`desktop.inspectors.timeline_redaction`).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from desktop.browser.exchange import Exchange, SetCookie
from desktop.inspectors.narration import short_id
from server.records import SessionEvent

#: How ``Set-Cookie`` attributes are written back (the parsed header lower-cases them).
ATTRIBUTE_NAMES = {
    "path": "Path",
    "domain": "Domain",
    "expires": "Expires",
    "max-age": "Max-Age",
    "httponly": "HttpOnly",
    "secure": "Secure",
    "samesite": "SameSite",
}
STORE_VERBS = {
    "created": "created",
    "changed": "changed",
    "rotated": "rotated",
    "deleted": "deleted",
    "expired": "expired",
}


class Naming:
    """How values are written on screen: session ids and long values by their first characters."""

    def value(self, value: str) -> str:
        """A cookie value, session id, token or password as the diagram shows it."""
        return short_id(value) if len(value) > 8 else value

    def field(self, name: str, value: str) -> str:
        """A form field's value."""
        return self.value(value)

    def text(self, text: str) -> str:
        """Free text (a sentence); unchanged on screen."""
        return text


def set_cookie_text(cookie: SetCookie, naming: Naming) -> str:
    """The note for a ``Set-Cookie`` header, its attributes written as servers write them."""
    value = naming.value(cookie.value) if cookie.value else ""
    parts = [f"{cookie.name}={value}"]
    for key, val in cookie.attributes.items():
        if cookie.deletes and key != "max-age":
            continue  # the rest of a deletion (a date in 1970, the path) says no more
        name = ATTRIBUTE_NAMES.get(key, key)
        parts.append(f"{name}={val}" if val else name)
    return "Set-Cookie: " + "; ".join(parts) + (" (deletes it)" if cookie.deletes else "")


def form_text(exchange: Exchange, naming: Naming) -> str | None:
    """The note for a posted form's fields, or None."""
    if exchange.method != "POST" or not exchange.request_body:
        return None
    fields = parse_qsl(exchange.request_body, keep_blank_values=True)
    if not fields:
        return None
    return "Form: " + ", ".join(f"{k}={naming.field(k, v)}" for k, v in fields)


def store_text(event: SessionEvent, naming: Naming) -> str:
    """The label of a store change's arrow."""
    user = event.record.data.get("userid") if event.record is not None else None
    who = f" (user {user})" if user else ""
    if event.kind == "rotated":
        old = naming.value(event.old_sid or "")
        return f"rotated {old} → {naming.value(event.sid)}{who}"
    return f"{STORE_VERBS.get(event.kind, event.kind)} session {naming.value(event.sid)}{who}"
