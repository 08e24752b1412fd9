"""Store events are paired with the exchange that caused them, by the session ids it carried."""

from __future__ import annotations

from desktop.inspectors.timeline_recorder import MAX_UNCLAIMED_EVENTS, TimelineRecorder
from server.records import SessionEvent

OLD, NEW, OTHER = "o" * 43, "n" * 43, "x" * 43


def test_events_go_to_the_exchange_that_carried_their_ids(make_exchange):
    recorder = TimelineRecorder()
    recorder.add_event(SessionEvent("created", OTHER))  # another browser's
    recorder.add_event(SessionEvent("rotated", NEW, old_sid=OLD))
    login = make_exchange(
        cookie=f"sessionid={OLD}",
        set_cookies=(f"sessionid={NEW}; HttpOnly; Path=/",),
        status=302,
        location="/app_sessions/secured_page/",
    )
    entry = recorder.entry_for("Browser 1", login, server_side=True, cookie_name="sessionid")
    assert [e.kind for e in entry.events] == ["rotated"]
    assert entry.browser == "Browser 1"
    assert entry.sentence.startswith("Login rotated the session id")
    other = make_exchange(set_cookies=(f"sessionid={OTHER}; Path=/",))
    assert [
        e.kind
        for e in recorder.entry_for(
            "Browser 2", other, server_side=True, cookie_name="sessionid"
        ).events
    ] == ["created"]


def test_an_event_is_claimed_once(make_exchange):
    recorder = TimelineRecorder()
    recorder.add_event(SessionEvent("changed", OLD))
    hop = make_exchange(cookie=f"sessionid={OLD}")
    first = recorder.entry_for("B", hop, server_side=True, cookie_name="sessionid")
    second = recorder.entry_for("B", hop, server_side=True, cookie_name="sessionid")
    assert (len(first.events), len(second.events)) == (1, 0)


def test_unmatched_events_age_out():
    recorder = TimelineRecorder()
    for number in range(MAX_UNCLAIMED_EVENTS + 50):
        recorder.add_event(SessionEvent("expired", f"{number:043d}"))
    assert len(recorder._unclaimed) == MAX_UNCLAIMED_EVENTS
    recorder.clear()
    assert recorder._unclaimed == []
