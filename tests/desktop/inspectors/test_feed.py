"""The inspectors' feed: store rows and live count from events, the jar and its session."""

from __future__ import annotations

import time

from helpers import LOGIN, page_text, submit_login

from server.records import SessionEvent, SessionRecord


def record(sid: str, userid: str = "alice") -> SessionRecord:
    now = time.time()
    return SessionRecord(
        sid=sid, data={"userid": userid}, created=now, last_seen=now, expires=now + 600
    )


def test_session_events_change_the_store_rows_and_the_live_count(window):
    feed, model = window.feed, window.inspectors.session_model
    before = [r.sid for r in model.records()]  # the login form's session (its CSRF token)
    feed.on_session_event(SessionEvent("created", "a" * 32, record("a" * 32)))
    feed.on_session_event(SessionEvent("created", "b" * 32, record("b" * 32, "bob")))
    assert [r.sid for r in model.records()] == [*before, "a" * 32, "b" * 32]
    assert window.status.sessions.text() == f"Live sessions: {len(before) + 2}"
    feed.on_session_event(SessionEvent("deleted", "a" * 32, record("a" * 32)))
    assert [r.sid for r in model.records()] == [*before, "b" * 32]
    assert window.status.sessions.text() == f"Live sessions: {len(before) + 1}"


def test_the_class_s_events_show_in_the_store_but_wait_for_no_exchange(window):
    from desktop.lab.class_server import CLASS_ORIGIN

    feed = window.feed
    student = "s" * 32
    own = SessionEvent("created", "t" * 32, record("t" * 32))
    feed.on_session_event(own)
    feed.on_session_event(SessionEvent("created", student, record(student), origin=CLASS_ORIGIN))
    assert student in [r.sid for r in window.inspectors.session_model.records()]
    # Only the lab's own event waits for the exchange of one of its browsers that caused it.
    assert feed.recorder._unclaimed[-1] == own


def test_show_lab_starts_afresh_from_the_store(window):
    window.feed.on_session_event(SessionEvent("created", "a" * 32, record("a" * 32)))
    window.feed.show_lab()  # the store itself holds no such session
    stored = window.lab.sessions()
    assert window.inspectors.session_model.records() == stored
    assert window.status.sessions.text() == f"Live sessions: {len(stored)}"


def test_the_front_browsers_session_row_is_marked_and_held_by_it(qtbot, window):
    submit_login(window)
    qtbot.waitUntil(lambda: "alice" in page_text(window))
    sid = window.current_browser.cookie(window.lab.cookie_name)
    model = window.inspectors.session_model
    qtbot.waitUntil(lambda: model.holders.get(sid) == ["Browser 1"])
    assert model.current_sid == sid
    assert [row.name for row in window.inspectors.cookie_model.rows()] == ["sessionid"]


def test_a_cookie_session_is_decoded_under_the_jar_and_nothing_listed(qtbot, window):
    window.controls.switch_store("cookie")
    assert "the server keeps nothing" in window.inspectors.store_note.text()
    assert window.status.sessions.text() == "Sessions: in the browser's cookie"
    window.controller.open(LOGIN)  # a form from this server, not the one before the switch
    qtbot.waitUntil(lambda: not window.current_browser.busy)
    submit_login(window)
    payload = window.inspectors.cookie_payload
    qtbot.waitUntil(lambda: "'userid': 'alice'" in payload.text())
    assert payload.text().startswith("Decoded cookie payload:")
    assert window.inspectors.session_model.records() == []
