"""The class's devices, the sessions they hold and send, the class view's rows and counts."""

from __future__ import annotations

from desktop.inspectors.class_roster import HIJACK_WINDOW, ClassRoster
from desktop.inspectors.class_rows import ClassRow, class_rows
from desktop.inspectors.models.class_table_model import ClassTableModel
from server.class_requests import RequestSeen
from server.records import SessionRecord

FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36"
SID_A, SID_B, SID_C = "A" * 43, "B" * 43, "C" * 43


def seen(address, agent, sent, held, at=1000.0, path="/app_sessions/secured_page/"):
    return RequestSeen(address, agent, "GET", path, 200, sent, held, at)


def record(sid, **data):
    return SessionRecord(sid, data, 900.0, 1000.0, 5000.0)


def test_devices_are_named_and_hold_their_latest_session():
    roster = ClassRoster()
    roster.add(seen("10.0.0.5", FIREFOX, None, SID_A))
    roster.add(seen("10.0.0.5", FIREFOX, SID_A, SID_B))  # login rotated it
    roster.add(seen("10.0.0.6", CHROME, None, SID_C))
    assert roster.holders() == {
        SID_B: ["Firefox on Android · 10.0.0.5"],
        SID_C: ["Chrome on Windows · 10.0.0.6"],
    }
    assert roster.total == 3 and len(roster.devices) == 2
    roster.forget_old(1000.0)
    summary = roster.summary()
    assert summary.startswith("Class: 3 requests from 2 devices, 3 in the last minute")
    assert "Last: Chrome on Windows · 10.0.0.6, GET /app_sessions/secured_page/ → 200." in summary


def test_a_session_sent_by_two_devices_at_once_is_a_hijack():
    roster = ClassRoster()
    roster.add(seen("10.0.0.5", FIREFOX, SID_A, SID_A, at=1000.0))
    roster.add(seen("10.0.0.6", CHROME, SID_A, SID_A, at=1010.0))
    roster.add(seen("10.0.0.7", CHROME, SID_B, SID_B, at=1010.0))
    records = [record(SID_A, userid="alice"), record(SID_B, userid="bob"), record(SID_C)]
    rows, counts = class_rows(records, {}, roster)
    assert [row.user for row in rows] == ["alice", "bob"]  # hijacks first; anonymous left out
    assert rows[0].hijacked and "Firefox on Android · 10.0.0.5" in rows[0].alert
    assert "Chrome on Windows · 10.0.0.6" in rows[0].alert
    assert not rows[1].hijacked
    assert counts.text() == "2 logged in · 3 live sessions · 3 devices · 1 hijack"
    # Long after, the two sends are no longer "at once".
    roster.forget_old(1010.0 + HIJACK_WINDOW + 1)
    rows, counts = class_rows(records, {}, roster)
    assert not any(row.hijacked for row in rows) and counts.hijacks == 0


def test_two_of_the_lab_s_own_browsers_holding_one_session_is_a_hijack_too():
    roster = ClassRoster()
    rows, counts = class_rows(
        [record(SID_A, userid="alice")], {SID_A: ["Browser 1", "Browser 2"]}, roster
    )
    assert rows[0].held_by == "Browser 1, Browser 2" and rows[0].hijacked
    assert counts.hijacks == 1


def test_the_class_table_model(qtmodeltester):
    model = ClassTableModel()
    qtmodeltester.check(model)
    rows = [
        ClassRow("alice", "Firefox", "AAAA…", "10:00:00", "⚠ used by 2"),
        ClassRow("bob", "", "", ""),
    ]
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.rows() == rows
    model.set_rows(rows[:1])
    assert model.rowCount() == 1
    qtmodeltester.check(model)


def test_a_name_that_reverses_the_text_after_it_is_shown_as_typed():
    # "rtl" + RIGHT-TO-LEFT OVERRIDE + "nimda" would read "rtladmin" on the projector.
    rows, _ = class_rows([record(SID_A, userid="rtl\u202enimda")], {}, ClassRoster())
    assert rows[0].user == "rtl\\u202enimda"


def test_a_path_a_student_made_up_is_shown_as_typed_and_short():
    # The path is the student's to choose: a right-to-left override would turn the rest of the
    # summary round ("→ 404" included), and a path of thousands of characters fill the tooltip.
    roster = ClassRoster()
    roster.add(seen("10.0.0.5", FIREFOX, None, None, path="/\u202enigol/", at=1000.0))
    assert roster.summary().endswith(
        "Last: Firefox on Android · 10.0.0.5, GET /\\u202enigol/ → 200."
    )
    roster.add(seen("10.0.0.5", FIREFOX, None, None, path="/" + "x" * 5000, at=1001.0))
    last = roster.summary().split("Last: ")[1]
    assert len(last) < 200 and last.endswith("… → 200.")


def test_the_summary_leads_with_the_requests_the_lab_turned_away():
    roster = ClassRoster()
    roster.add(seen("10.0.0.5", FIREFOX, None, SID_A, at=1000.0))
    assert roster.refusals() == "" and not roster.summary().startswith("⚠")
    for number, why in enumerate(["full", "full", "rate"]):
        status = 503 if why == "full" else 429
        roster.add(
            RequestSeen(f"10.0.0.{number + 6}", CHROME, "GET", "/", status, None, None, 1010.0, why)
        )
    summary = roster.summary()
    assert summary.startswith("⚠ Refused in the last minute: 2 requests from 2 devices: the lab is")
    assert "1 request from 1 device: over a device's rate limit (429)" in summary
    roster.forget_old(1010.0 + 61)  # a minute later the class is let in again
    assert roster.refusals() == ""


def test_a_student_reloading_the_lab_is_full_page_is_counted_as_one_device():
    # Told "2 from new devices", a teacher would look for two students locked out.
    roster = ClassRoster()
    for at in (1000.0, 1001.0, 1002.0):
        roster.add(RequestSeen("10.0.0.6", CHROME, "GET", "/", 503, None, None, at, "full"))
    assert roster.refusals().startswith("⚠ Refused in the last minute: 3 requests from 1 device:")


def test_a_path_with_line_breaks_is_shown_as_typed_on_one_line():
    roster = ClassRoster()
    roster.add(seen("10.0.0.5", FIREFOX, None, None, path="/a\nb\r\u2028\tc", at=1000.0))
    assert roster.summary().endswith("GET /a\\u000ab\\u000d\\u2028\\u0009c → 200.")


def test_refusals_older_than_a_minute_leave_the_count_one_by_one():
    roster = ClassRoster()
    for at, address in ((1000.0, "10.0.0.6"), (1030.0, "10.0.0.6"), (1040.0, "10.0.0.7")):
        roster.add(RequestSeen(address, CHROME, "GET", "/", 429, None, None, at, "rate"))
    assert roster.refusals().startswith("⚠ Refused in the last minute: 3 requests from 2 devices")
    roster.forget_old(1065.0)  # the first is over a minute old
    assert roster.refusals().startswith("⚠ Refused in the last minute: 2 requests from 2 devices")
    roster.forget_old(1095.0)
    assert roster.refusals().startswith("⚠ Refused in the last minute: 1 request from 1 device")
    roster.forget_old(1101.0)
    assert roster.refusals() == ""
