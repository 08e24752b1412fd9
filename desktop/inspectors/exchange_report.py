"""The HTML shown in the timeline's detail pane for one exchange (plain Python, no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from desktop.browser.exchange import Exchange
from server.records import SessionEvent

#: Marks the Cookie and Set-Cookie lines; the panel passes colours taken from the palette, since
#: a fixed pale yellow under a dark theme's light text is unreadable.
HIGHLIGHT = "background-color:#fff0a0; color:#1a1a1a;"
COOKIE_HEADERS = {"cookie", "set-cookie"}


def _headers(lines: Sequence[tuple[str, str]], first_line: str, highlight: str) -> str:
    rows = [f"<b>{escape(first_line)}</b>"]
    for name, value in lines:
        text = f"{escape(name)}: {escape(value)}"
        if name.lower() in COOKIE_HEADERS:
            text = f'<span style="{highlight}"><b>{text}</b></span>'
        rows.append(text)
    return '<pre style="white-space:pre-wrap">' + "\n".join(rows) + "</pre>"


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f"<p><i>{escape(empty)}</i></p>"
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>"


def _event_line(event: SessionEvent) -> str:
    if event.kind == "rotated":
        return f"rotated: {event.old_sid} → {event.sid}"
    data = event.record.data if event.record else {}
    return f"{event.kind}: {event.sid} {data}"


def render_exchange(
    exchange: Exchange,
    events: Sequence[SessionEvent],
    sentence: str,
    highlight: str = HIGHLIGHT,
) -> str:
    """Return the detail pane's HTML: the sentence, headers, cookie tables and changes.

    ``highlight`` is the CSS of the cookie header lines (a background and its text colour).
    """
    request_line = f"{exchange.method} {exchange.path} HTTP/1.1"
    status_line = f"HTTP/1.1 {exchange.status} {exchange.reason}"
    sent_rows = [(name, value) for name, value in exchange.cookies_sent.items()]
    set_rows = [
        (c.name, c.value, "; ".join(f"{k}={v}" if v else k for k, v in c.attributes.items()))
        for c in exchange.cookies_set
    ]
    jar_lines = [
        f"{c.kind}: {c.name} "
        + {"added": f"= {c.new_value}", "removed": f"(was {c.old_value})"}.get(
            c.kind, f"{c.old_value} → {c.new_value}"
        )
        for c in exchange.jar_changes
    ]
    parts = [
        f"<p style='font-size:larger'><b>{escape(sentence)}</b></p>",
        "<h4>Request</h4>",
        _headers(exchange.request_headers, request_line, highlight),
    ]
    if exchange.request_body:
        parts.append(f'<pre style="white-space:pre-wrap">{escape(exchange.request_body)}</pre>')
    parts += [
        "<h4>Response</h4>",
        _headers(exchange.response_headers, status_line, highlight),
        "<h4>Request cookies</h4>",
        _table(("Name", "Value"), sent_rows, "The request carried no cookies."),
        "<h4>Cookies held but not sent</h4>",
        _table(
            ("Name", "Why not"),
            [(w.name, w.reason) for w in exchange.cookies_withheld],
            "None: every cookie for this address went with the request.",
        ),
        "<h4>Response cookies</h4>",
        _table(("Name", "Value", "Attributes"), set_rows, "The response set no cookies."),
    ]
    if exchange.cookies_rejected:
        parts += [
            "<h4>Cookies the browser refused</h4>",
            _table(
                ("Name", "Why not"), [(r.name, r.reason) for r in exchange.cookies_rejected], ""
            ),
        ]
    parts += [
        "<h4>Cookie jar changes</h4>",
        _table(("Change",), [(line,) for line in jar_lines], "The jar did not change."),
        "<h4>Session store changes</h4>",
        _table(("Change",), [(_event_line(e),) for e in events], "The store did not change."),
    ]
    return "\n".join(parts)
