"""Hide the secrets in a HAR document before it leaves the lab (plain Python, no Qt).

Passwords, cookie values, CSRF tokens and session ids are replaced by labels such as
``[session id 1]``: the same secret gets the same label everywhere, so a class can still follow
one session through the file, but nobody can replay it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

PASSWORD_FIELDS = {"passwd", "password"}
TOKEN_FIELDS = {"csrf_token"}
_HIDDEN_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
_PAIR = re.compile(r"(^|;\s*)([^=;\s]+)=([^;]*)")
#: Shorter secrets (a password, a cookie saying "spring") are replaced only where they are
#: values; longer ones (ids, tokens, signed cookies) wherever they appear, comments included.
_ANYWHERE = 12


class _Labels:
    def __init__(self) -> None:
        self.by_value: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def add(self, value: str | None, kind: str) -> None:
        if value and value not in self.by_value:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.by_value[value] = f"[{kind} {self.counts[kind]}]"

    def of(self, value: str) -> str:
        return self.by_value.get(value, value)


def _collect(document: dict[str, Any]) -> _Labels:
    labels = _Labels()
    entries = document["log"]["entries"]
    for entry in entries:  # session ids first: a server-side session cookie's value is one
        for event in entry.get("_sessionLab", {}).get("storeEvents", []):
            labels.add(event.get("oldSid"), "session id")
            labels.add(event.get("sid"), "session id")
    for entry in entries:
        for side in ("request", "response"):
            for cookie in entry[side]["cookies"]:
                labels.add(cookie["value"], "cookie value")
        for param in entry["request"].get("postData", {}).get("params", []):
            if param["name"] in PASSWORD_FIELDS:
                labels.add(param["value"], "password")
            elif param["name"] in TOKEN_FIELDS:
                labels.add(param["value"], "CSRF token")
        for token in _HIDDEN_TOKEN.findall(entry["response"]["content"].get("text", "")):
            labels.add(token, "CSRF token")
    return labels


def _cookie_header(value: str, labels: _Labels) -> str:
    return _PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}={labels.of(m.group(3))}", value)


def _set_cookie_header(value: str, labels: _Labels) -> str:
    first, _, rest = value.partition(";")
    name, equals, cookie = first.partition("=")
    return f"{name}{equals}{labels.of(cookie)}" + (f";{rest}" if rest else "")


def _hide_values(entry: dict[str, Any], labels: _Labels) -> None:
    for side in ("request", "response"):
        for cookie in entry[side]["cookies"]:
            cookie["value"] = labels.of(cookie["value"])
        for header in entry[side]["headers"]:
            name = header["name"].lower()
            if name == "cookie":
                header["value"] = _cookie_header(header["value"], labels)
            elif name == "set-cookie":
                header["value"] = _set_cookie_header(header["value"], labels)
    post = entry["request"].get("postData")
    if post:
        for param in post.get("params", []):
            if param["name"] in PASSWORD_FIELDS | TOKEN_FIELDS:
                param["value"] = labels.of(param["value"])
        if post.get("params"):
            pairs = parse_qsl(post["text"], keep_blank_values=True)
            hidden = [
                (k, labels.of(v) if k in PASSWORD_FIELDS | TOKEN_FIELDS else v) for k, v in pairs
            ]
            post["text"] = urlencode(hidden)


def _replace_long(value: Any, long_secrets: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for secret, label in long_secrets:
            if secret in value:
                value = value.replace(secret, label)
            # The timeline's sentences name sessions by their first characters ("3f9a…").
            value = value.replace(f"{secret[:4]}…", f"{label}")
        return value
    if isinstance(value, list):
        return [_replace_long(item, long_secrets) for item in value]
    if isinstance(value, dict):
        return {key: _replace_long(item, long_secrets) for key, item in value.items()}
    return value


def secret_labels(document: dict[str, Any]) -> dict[str, str]:
    """Return each secret of a HAR document with its label (``[session id 1]``…)."""
    return dict(_collect(document).by_value)


def long_secrets(labels: dict[str, str]) -> list[tuple[str, str]]:
    """Return the secrets replaced wherever they appear, longest first, with their labels."""
    return sorted(
        ((v, label) for v, label in labels.items() if len(v) >= _ANYWHERE),
        key=lambda pair: -len(pair[0]),
    )


def hide_in_text(text: str, secrets: list[tuple[str, str]]) -> str:
    """Replace the long ``secrets`` in free text, and the short forms the timeline writes."""
    return _replace_long(text, secrets)


def hide_secrets(document: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a HAR document with its passwords, cookies, tokens and ids replaced."""
    labels = _collect(document)
    hidden = _replace_long(document, long_secrets(labels.by_value))
    for entry in hidden["log"]["entries"]:
        _hide_values(entry, labels)
    return hidden
