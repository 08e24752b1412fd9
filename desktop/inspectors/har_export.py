"""Export the timeline as a HAR 1.2 file that Chrome's and Firefox's developer tools import.

Plain Python, no Qt: entries are read by their attributes only. HAR 1.2 is described at
http://www.softwareishard.com/blog/har-12-spec/. Both importers are stricter than the spec in
places: Firefox reads ``log.pages`` and ``entry.cache`` unconditionally, Chrome requires
``timings.send``, ``wait`` and ``receive`` to be numbers, so all of them are always written.
Session Lab's own data goes where the spec allows it: the explanation in each entry's
``comment``, the store events in the custom field ``_sessionLab``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from desktop.browser.exchange import Exchange, SetCookie, cookie_pairs, header_value
from server.records import SessionEvent

if TYPE_CHECKING:  # the model module imports Qt; this one must not
    from desktop.inspectors.timeline_entry import TrafficEntry

HAR_VERSION = "1.2"
CREATOR = "Session Lab"
PAGE_ID = "page_1"
HTTP_VERSION = "HTTP/1.1"
FORM_TYPE = "application/x-www-form-urlencoded"
_LAST_DATETIME = 253_402_300_799  # 9999-12-31T23:59:59Z, the last instant datetime can show


def _iso(epoch: float) -> str:
    """Return ``epoch`` as ISO 8601 in UTC with milliseconds, as Chrome writes it."""
    moment = datetime.fromtimestamp(min(epoch, _LAST_DATETIME), UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _pairs(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _request_cookies(exchange: Exchange) -> list[dict[str, str]]:
    # Every pair the Cookie header carried, duplicates included: HAR records what was sent.
    return _pairs(cookie_pairs(header_value(exchange.request_headers, "cookie")))


def _cookie_expiry(cookie: SetCookie, sent_at: float) -> str | None:
    expires = cookie.expires_at(sent_at)
    return None if expires is None else _iso(expires)


def _response_cookie(cookie: SetCookie, sent_at: float) -> dict[str, Any]:
    har: dict[str, Any] = {"name": cookie.name, "value": cookie.value}
    for attribute in ("path", "domain"):
        if cookie.attributes.get(attribute):
            har[attribute] = cookie.attributes[attribute]
    if (expires := _cookie_expiry(cookie, sent_at)) is not None:
        har["expires"] = expires
    har["httpOnly"] = "httponly" in cookie.attributes
    har["secure"] = "secure" in cookie.attributes
    if same_site := cookie.attributes.get("samesite"):
        har["sameSite"] = same_site.capitalize()  # not in HAR 1.2, but Chrome writes it
    return har


def _request(exchange: Exchange) -> dict[str, Any]:
    body = exchange.request_body
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": exchange.url,
        "httpVersion": HTTP_VERSION,
        "cookies": _request_cookies(exchange),
        "headers": _pairs(exchange.request_headers),
        "queryString": _pairs(parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)),
        "headersSize": -1,
        "bodySize": len(body.encode("utf-8")),
    }
    if body:
        mime_type = (
            header_value(exchange.request_headers, "content-type") or "application/octet-stream"
        )
        is_form = mime_type.split(";")[0].strip().lower() == FORM_TYPE
        request["postData"] = {
            "mimeType": mime_type,
            "text": body,
            "params": _pairs(parse_qsl(body, keep_blank_values=True)) if is_form else [],
        }
    return request


def _response(exchange: Exchange) -> dict[str, Any]:
    body_size = len(exchange.response_body.encode("utf-8"))
    length = header_value(exchange.response_headers, "content-length") or ""
    return {
        "status": exchange.status,
        "statusText": exchange.reason,
        "httpVersion": HTTP_VERSION,
        "cookies": [_response_cookie(c, exchange.started) for c in exchange.cookies_set],
        "headers": _pairs(exchange.response_headers),
        "content": {
            "size": body_size,
            # Chrome's own word for a response without a Content-Type.
            "mimeType": header_value(exchange.response_headers, "content-type") or "x-unknown",
            "text": exchange.response_body,
        },
        "redirectURL": exchange.location or "",
        "headersSize": -1,
        "bodySize": int(length) if length.isdigit() else body_size,
    }


def _json_ready(value: Any) -> Any:
    # Session data may hold anything Flask's serializer can tag; HAR wants plain JSON.
    return json.loads(json.dumps(value, default=str))


def _event(event: SessionEvent) -> dict[str, Any]:
    har: dict[str, Any] = {"kind": event.kind, "sid": event.sid, "at": _iso(event.at)}
    if event.old_sid is not None:
        har["oldSid"] = event.old_sid
    if event.record is not None:
        har["data"] = _json_ready(event.record.data)
        har["expires"] = _iso(event.record.expires)
    return har


def _entry(entry: TrafficEntry) -> dict[str, Any]:
    exchange = entry.exchange
    # requests times the exchange up to the response headers: all of it counts as waiting.
    wait = round(max(exchange.elapsed, 0.0) * 1000, 3)
    return {
        "pageref": PAGE_ID,
        "startedDateTime": _iso(exchange.started),
        "time": wait,
        "request": _request(exchange),
        "response": _response(exchange),
        "cache": {},
        "timings": {
            "blocked": -1,
            "dns": -1,
            "connect": -1,
            "ssl": -1,
            "send": 0,
            "wait": wait,
            "receive": 0,
        },
        "comment": entry.sentence,
        "_resourceType": "document",  # Chrome's custom field: every hop is a navigation
        "_sessionLab": {
            "number": entry.number,
            "browser": entry.browser,
            "initiator": exchange.initiator,
            "storeEvents": [_event(event) for event in entry.events],
            "cookiesWithheld": [
                {"name": cookie.name, "reason": cookie.reason}
                for cookie in exchange.cookies_withheld
            ],
        },
    }


def har_from_entries(entries: Sequence[TrafficEntry], *, creator_version: str) -> dict[str, Any]:
    """Return the HAR 1.2 document (a JSON-ready dict) for the timeline's entries, in order."""
    pages = []
    if entries:
        pages.append(
            {
                "startedDateTime": _iso(min(entry.exchange.started for entry in entries)),
                "id": PAGE_ID,
                "title": CREATOR,
                "pageTimings": {"onContentLoad": -1, "onLoad": -1},
            }
        )
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": CREATOR, "version": creator_version},
            "pages": pages,
            "entries": [_entry(entry) for entry in entries],
        }
    }


def write_har(
    path: str | os.PathLike[str],
    entries: Sequence[TrafficEntry],
    creator_version: str,
    *,
    hide_secrets: bool = True,
) -> Path:
    """Write the entries to ``path`` as a HAR file (UTF-8 JSON) and return the path.

    With ``hide_secrets`` (the default) passwords, cookie values, CSRF tokens and session ids
    are replaced by labels (see :mod:`desktop.inspectors.har_redaction`).

    The file is written beside its destination and then moved over it, so an existing file is
    replaced whole or not at all. Raises OSError when the folder cannot be written.
    """
    path = Path(path)
    document = har_from_entries(entries, creator_version=creator_version)
    if hide_secrets:
        from desktop.inspectors.har_redaction import hide_secrets as hidden

        document = hidden(document)
    staging = path.with_name(path.name + ".part")
    try:
        staging.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path
