"""The sequence diagram's layout, plain Python: lanes, arrows, notes, redirects and the store."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from helpers import loads_qt

from desktop.browser.cookie_policy import WithheldCookie
from desktop.inspectors.handout import Lesson, LessonStep, handout_html
from desktop.inspectors.sequence_layout import SequenceLayout, layout_of
from desktop.inspectors.sequence_svg import svg_of
from desktop.inspectors.timeline_entry import TrafficEntry
from desktop.inspectors.timeline_redaction import RedactedNaming
from server.records import SessionEvent, SessionRecord

OLD = "a" * 43
NEW = "b" * 43
SVG = "{http://www.w3.org/2000/svg}"
LOGIN = "/app_sessions/login/"
SECURED = "/app_sessions/secured_page/"


@pytest.fixture
def login_entries(make_exchange):
    """A login as the lab records it: the form, the POST that rotates, its redirect."""
    form = make_exchange(
        set_cookies=(f"sessionid={OLD}; HttpOnly; Path=/; SameSite=Lax",),
    )
    post = make_exchange(
        method="POST",
        status=302,
        location=SECURED,
        set_cookies=(f"sessionid={NEW}; HttpOnly; Path=/; SameSite=Lax",),
        request_headers=(
            ("Cookie", f"sessionid={OLD}; prefs=dark"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ),
        request_body="csrf_token=IjQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5&userid=alice&passwd=hunter2",
        cookies_withheld=(WithheldCookie("promo", "SameSite=Strict: never sent"),),
    )
    secured = make_exchange(
        cookie=f"sessionid={NEW}", path=SECURED, url=f"http://127.0.0.1:5000{SECURED}"
    )
    record = SessionRecord(NEW, {"userid": "alice"})
    return [
        TrafficEntry(
            form, (SessionEvent("created", OLD),), f"The server created {OLD[:4]}…", number=1
        ),
        TrafficEntry(
            post,
            (SessionEvent("rotated", NEW, record, old_sid=OLD),),
            f"Login rotated {OLD[:4]}… to {NEW[:4]}…",
            number=2,
        ),
        TrafficEntry(secured, (), "The secured page welcomed alice.", number=3),
    ]


def test_lanes_are_browsers_then_server_then_store(login_entries):
    layout = layout_of(login_entries)
    assert [lane.title for lane in layout.lanes] == ["Browser 1", "Server", "Session store"]
    stolen = layout.add(TrafficEntry(login_entries[2].exchange, (), "", browser="Browser 2"))
    assert stolen.lines[1].text == "Cookie: sessionid=bbbb… (set in Browser 1!)"
    assert stolen.lines[1].tone == "warning"
    assert [lane.key for lane in layout.lanes] == [
        "browser:Browser 1",
        "browser:Browser 2",
        "server",
        "store",
    ]


def test_each_hop_is_an_arrow_with_its_cookies_and_store_changes_in_order(login_entries):
    layout = layout_of(login_entries)
    post = layout.hops[1]
    assert [line.kind for line in post.lines] == [
        "hop",
        "cookie",
        "withheld",
        "form",
        "store",
        "set_cookie",
    ]
    hop, cookie, withheld, form, store, set_cookie = post.lines
    assert hop.text == "POST /app_sessions/login/ → 302 FOUND"
    assert (hop.source, hop.target) == ("browser:Browser 1", "server")
    assert cookie.text == "Cookie: sessionid=aaaa…; prefs=dark" and not cookie.is_arrow
    assert (
        withheld.text.startswith("Held back: promo (SameSite=Strict") and withheld.tone == "warning"
    )
    assert "passwd=hunter2" in form.text
    assert (store.source, store.target) == ("server", "store")
    assert store.text == "rotated aaaa… → bbbb… (user alice)"
    assert set_cookie.text == "Set-Cookie: sessionid=bbbb…; HttpOnly; Path=/; SameSite=Lax"
    assert post.first_line == len(layout.hops[0].lines)
    assert layout.line_count == sum(len(h.lines) for h in layout.hops)


def test_redirects_are_chained_and_errors_marked(login_entries, make_exchange):
    layout = layout_of(login_entries)
    assert layout.hops[2].redirect_from == 1
    assert layout.hops[1].redirect_from is None
    refused = layout.add(TrafficEntry(make_exchange(status=400), (), ""))
    assert refused.lines[0].tone == "error"


def test_other_site_lane_and_the_request_it_started(make_exchange):
    bait = make_exchange(url="http://localhost:6001/", path="/")
    forged = make_exchange(method="POST", initiator="http://localhost:6001/", status=400)
    layout = layout_of([TrafficEntry(bait, (), ""), TrafficEntry(forged, (), "")])
    assert layout.lanes[0].title == "Other site"
    bait_hop = layout.hops[0].lines[0]
    assert (bait_hop.target, bait_hop.text) == ("other_site", "GET localhost:6001/ → 200 OK")
    started, hop = layout.hops[1].lines
    assert (started.kind, started.source, started.target) == (
        "initiated",
        "other_site",
        "browser:Browser 1",
    )
    assert hop.target == "server"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("created", "created session bbbb…"),
        ("changed", "changed session bbbb…"),
        ("deleted", "deleted session bbbb…"),
        ("expired", "expired session bbbb…"),
    ],
)
def test_store_changes_are_arrows_to_the_store(make_exchange, kind, text):
    layout = layout_of([TrafficEntry(make_exchange(), (SessionEvent(kind, NEW),), "")])
    store = layout.hops[0].lines[1]
    assert (store.kind, store.text, store.target) == ("store", text, "store")


def test_only_the_hops_on_screen_are_found_by_line(make_exchange):
    layout = SequenceLayout()
    for number in range(5000):
        layout.add(
            TrafficEntry(make_exchange(cookie=f"sessionid={NEW}"), (), "", number=number + 1)
        )
    assert layout.line_count == 10_000
    assert layout.hop_at(0) == 0 and layout.hop_at(9999) == 4999 and layout.hop_at(5001) == 2500
    assert layout.hops_between(4000, 4030) == range(2000, 2016)


def test_the_svg_has_its_lanes_and_arrows_and_no_secret(login_entries):
    layout = layout_of(login_entries, RedactedNaming(login_entries))
    text = svg_of(layout)
    root = ET.fromstring(text)
    lanes = [g.get("data-lane") for g in root.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert lanes == ["browser:Browser 1", "server", "store"]
    arrows = [g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("arrow")]
    labels = [g.find(f"{SVG}text").text for g in arrows]
    assert labels[:3] == [
        "GET /app_sessions/login/ → 200 OK",
        "created session [session id 1]",
        "POST /app_sessions/login/ → 302 FOUND",
    ]
    assert "rotated [session id 1] → [session id 2] (user alice)" in labels
    assert [g.get("data-row") for g in arrows].count("1") == 2
    for secret in (OLD, NEW, OLD[:4] + "…", "hunter2", "IjQ1Njc4OTAxMjM0NTY3ODkw"):
        assert secret not in text
    assert "[password 1]" in text
    assert root.find(f"{SVG}path").get("class") == "redirect"
    store_x = max(float(line.get("x1")) for line in root.iter(f"{SVG}line"))
    for group in (g for g in arrows if g.get("class") == "arrow store"):
        label = group.find(f"{SVG}text")
        end = float(label.get("x")) + len(label.text) * 0.6 * 14
        assert end <= store_x  # the store's labels end at its lane, inside the picture


def test_the_handout_tells_each_step_with_its_hops_redacted(login_entries):
    lesson = Lesson(
        "Log in",
        "Login gives a new id.",
        (LessonStep("Log in as alice", f"Session {OLD[:4]}… became {NEW[:4]}….", range(1, 3)),),
    )
    html = handout_html(login_entries, lesson)
    assert "<h2>Before this step</h2>" in html and "<h2>Step 1: Log in as alice</h2>" in html
    assert "Session [session id 1] became [session id 2]." in html
    assert html.count("<svg") == 2 and "Login rotated [session id 1] to [session id 2]" in html
    for secret in (OLD, NEW, OLD[:4] + "…", "hunter2"):
        assert secret not in html
    shown = handout_html(login_entries, lesson, hide_secrets=False)
    assert "hunter2" in shown and OLD not in shown  # unhidden: as the screen shows them


def test_the_plain_modules_load_no_qt():
    for module in (
        "sequence_layout",
        "sequence_text",
        "sequence_svg",
        "handout",
        "timeline_redaction",
    ):
        assert not loads_qt(f"desktop.inspectors.{module}")


def balanced_exchange(make_exchange, server: str | None, status: int = 200, **options):
    """A hop the lab's load balancer passed to ``server`` (None: it answered itself)."""
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Via", "1.1 lab-balancer")]
    if server is not None:
        headers.append(("X-Lab-Server", server))
    return make_exchange(status=status, response_headers=tuple(headers), **options)


def test_the_balancer_and_the_server_that_answered_get_lanes(make_exchange):
    entries = [
        TrafficEntry(balanced_exchange(make_exchange, "A"), (SessionEvent("created", OLD),), ""),
        TrafficEntry(balanced_exchange(make_exchange, "B"), (), ""),
        TrafficEntry(balanced_exchange(make_exchange, None, status=503), (), ""),
    ]
    layout = layout_of(entries)
    assert [lane.title for lane in layout.lanes] == [
        "Browser 1",
        "Load balancer",
        "Server A",
        "Server B",
        "Session store",
    ]
    first, second, third = layout.hops
    kinds = [(line.kind, line.source, line.target) for line in first.lines]
    assert kinds == [
        ("hop", "browser:Browser 1", "balancer"),
        ("forward", "balancer", "server:A"),
        ("store", "server:A", "store"),
    ]
    assert second.lines[1].text == "passed to server B"
    assert [line.kind for line in third.lines] == ["hop"]  # the balancer's own 503
    assert third.lines[0].tone == "error"
    svg = ET.fromstring(svg_of(layout))
    lanes = [g.get("data-lane") for g in svg.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert lanes == ["browser:Browser 1", "balancer", "server:A", "server:B", "store"]


def test_a_timeline_without_the_balancer_keeps_its_one_server_lane(login_entries):
    assert [lane.key for lane in layout_of(login_entries).lanes] == [
        "browser:Browser 1",
        "server",
        "store",
    ]
