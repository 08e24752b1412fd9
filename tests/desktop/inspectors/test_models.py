"""The inspectors' table models: Qt's model checks, highlights, live session rows, timeline."""

from __future__ import annotations

import time
from dataclasses import replace
from itertools import product
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt, QTimer

from desktop.inspectors.models import cookie_table_model
from desktop.inspectors.models.cookie_table_model import CookieTableModel
from desktop.inspectors.models.session_table_model import SessionTableModel, expires_in_text
from desktop.inspectors.models.traffic_table_model import TrafficTableModel
from desktop.inspectors.timeline_entry import TrafficEntry
from desktop.ui.colours import accent_background, highlight_background, severity_colour
from server.records import SessionEvent, SessionRecord

Role = Qt.ItemDataRole
UNHANDLED = [Role.DecorationRole, Role.EditRole, Role.CheckStateRole, Role.UserRole]
SID_A, SID_B, SID_C = "a" * 43, "b" * 43, "c" * 43
DELETE = "sessionid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
DATA, EXPIRES = SessionTableModel.COLUMNS.index("Data"), SessionTableModel.EXPIRES_COLUMN


def record(sid: str, **data) -> SessionRecord:
    """Return a session created now that expires in 30 minutes."""
    now = time.time()
    return SessionRecord(sid, data, now, now, now + 1800)


def cell(model, row: int, column: int, role=Role.DisplayRole):
    return model.data(model.index(row, column), role)


def highlighted_cells(model: CookieTableModel) -> set[tuple[int, int]]:
    cells = product(range(model.rowCount()), range(model.columnCount()))
    return {(row, column) for row, column in cells if model.is_highlighted(row, column)}


@pytest.fixture
def cookies(qapp, make_cookie_row):
    model = CookieTableModel()
    model.set_rows([make_cookie_row(value="3f9a"), make_cookie_row("theme", "dark", secure=True)])
    return model


@pytest.fixture
def sessions(qapp):
    model = SessionTableModel()
    model.reset([record(SID_A, userid="alice"), record(SID_B)])
    return model


@pytest.fixture
def traffic(qapp, make_exchange):
    model = TrafficTableModel()
    model.append(TrafficEntry(make_exchange(set_cookies=(f"sessionid={SID_A}",)), (), "Created."))
    lost = make_exchange(number=2, status=404, cookie=f"sessionid={SID_A}", set_cookies=(DELETE,))
    model.append(TrafficEntry(lost, (), "Lost."))
    return model


CHANGES = {
    "cookies": lambda model: model.set_rows(model.rows()[1:]),
    "sessions": lambda model: model.apply(SessionEvent("rotated", SID_C, record(SID_C), SID_A)),
    "traffic": lambda model: model.clear(),
}


@pytest.mark.parametrize("name", ["cookies", "sessions", "traffic"])
def test_models_pass_qts_model_checks(request, qtmodeltester, name):
    model = request.getfixturevalue(name)
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    CHANGES[name](model)  # the tester keeps checking while the model changes


@pytest.mark.parametrize("name", ["cookies", "sessions", "traffic"])
@pytest.mark.parametrize("role", UNHANDLED)
def test_roles_a_model_does_not_handle_are_none(request, name, role):
    model = request.getfixturevalue(name)
    assert cell(model, 0, 0, role) is None
    assert cell(model, 5, 0) is None and model.headerData(0, Qt.Orientation.Vertical) is None


def test_cookie_columns_are_the_developer_tools_ones(cookies):
    assert [cookies.headerData(c, Qt.Orientation.Horizontal) for c in range(9)] == list(
        CookieTableModel.COLUMNS
    )
    row = [cell(cookies, 0, c) for c in range(9)]
    assert row == ["sessionid", "3f9a", "127.0.0.1", "/", "Session", "13", "✓", "", "Lax"]
    assert [cell(cookies, 1, c, Role.ToolTipRole) for c in (1, 6, 7)] == ["dark", "✓", "✓"]


def test_a_new_cookie_is_highlighted_until_it_fades(qtbot, monkeypatch, qapp, make_cookie_row):
    monkeypatch.setattr(cookie_table_model, "HIGHLIGHT_SECONDS", 0.2)
    model = CookieTableModel()

    def faded(*_) -> bool:
        return cell(model, 0, 1, Role.BackgroundRole) is None

    # Views repaint on dataChanged, so the fade must come with one that finds the cell plain.
    with qtbot.waitSignal(model.dataChanged, check_params_cb=faded, timeout=3000):
        model.set_rows([make_cookie_row()])
        assert highlighted_cells(model) == {(0, column) for column in range(9)}
        assert cell(model, 0, 1, Role.BackgroundRole) == highlight_background()
    qtbot.waitUntil(lambda: not highlighted_cells(model))


def test_a_timer_that_fires_early_waits_only_for_the_rest(
    qtbot, monkeypatch, qapp, make_cookie_row
):
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(cookie_table_model, "time", SimpleNamespace(monotonic=lambda: clock.now))
    model = CookieTableModel()
    timer = model.findChild(QTimer)
    model.set_rows([make_cookie_row()])
    assert timer.isActive() and timer.interval() == 1500
    clock.now += 1.45  # Qt's coarse timers may fire up to 5 % early
    timer.timeout.emit()
    assert model.is_highlighted(0, 1) and timer.interval() == 50
    clock.now += 0.05
    with qtbot.waitSignal(model.dataChanged) as faded:
        timer.timeout.emit()
    assert faded.args[2] == [Role.BackgroundRole] and not highlighted_cells(model)


@pytest.mark.parametrize(
    ("change", "columns"),
    [
        ({"value": "3f9b"}, {1}),
        ({"value": "3f9a-longer"}, {1, 5}),
        ({"http_only": False, "same_site": "Strict"}, {6, 8}),
        ({"expires": 0.0}, {4}),
    ],
)
def test_only_the_cells_that_changed_are_highlighted(
    qtbot, monkeypatch, qapp, make_cookie_row, change, columns
):
    model = CookieTableModel()
    monkeypatch.setattr(cookie_table_model, "HIGHLIGHT_SECONDS", 0.05)
    model.set_rows([make_cookie_row(value="3f9a"), make_cookie_row("theme", "dark")])
    qtbot.waitUntil(lambda: not highlighted_cells(model))
    monkeypatch.setattr(cookie_table_model, "HIGHLIGHT_SECONDS", 60)
    model.set_rows(
        [make_cookie_row(**{"value": "3f9a", **change}), make_cookie_row("theme", "dark")]
    )
    assert highlighted_cells(model) == {(0, column) for column in columns}


def test_the_same_jar_again_changes_nothing(qtbot, cookies):
    with qtbot.assertNotEmitted(cookies.modelReset), qtbot.assertNotEmitted(cookies.dataChanged):
        cookies.set_rows(tuple(cookies.rows()))


COUNTDOWNS = {-5: "expired", 0: "expired", 60: "1:00", 1799: "29:59", 3723: "1:02:03"}


@pytest.mark.parametrize(("seconds", "text"), COUNTDOWNS.items())
def test_expires_in_text(seconds, text):
    assert expires_in_text(seconds) == text


def test_session_cells(sessions):
    assert [cell(sessions, 0, c) for c in (0, DATA)] == [SID_A, '{"userid": "alice"}']
    assert SessionTableModel.COLUMNS[EXPIRES] == "Expires in"
    assert cell(sessions, 0, EXPIRES) in ("30:00", "29:59")


def test_created_and_changed_sessions_appear_and_update(qtbot, sessions):
    with qtbot.waitSignal(sessions.rowsInserted) as inserted:
        sessions.apply(SessionEvent("created", SID_C, record(SID_C, csrf_token="t")))
    assert inserted.args[1:] == [2, 2]
    with (
        qtbot.waitSignal(sessions.dataChanged) as changed,
        qtbot.assertNotEmitted(sessions.rowsInserted),
    ):
        sessions.apply(SessionEvent("changed", SID_A, record(SID_A, userid="bob")))
    assert (changed.args[0].row(), changed.args[1].row()) == (0, 0)
    assert cell(sessions, 0, DATA) == '{"userid": "bob"}'
    with qtbot.assertNotEmitted(sessions.rowsInserted):
        sessions.apply(SessionEvent("created", SID_C, None))  # an event without a record


def test_a_rotated_session_replaces_its_row(qtbot, sessions):
    with qtbot.waitSignal(sessions.rowsRemoved) as removed, qtbot.waitSignal(sessions.rowsInserted):
        sessions.apply(SessionEvent("rotated", SID_C, record(SID_C, userid="alice"), old_sid=SID_A))
    assert removed.args[1:] == [0, 0]
    assert [r.sid for r in sessions.records()] == [SID_B, SID_C]


@pytest.mark.parametrize("kind", ["expired", "deleted"])
def test_expired_and_deleted_sessions_vanish(qtbot, sessions, kind):
    with qtbot.waitSignal(sessions.rowsRemoved) as removed:
        sessions.apply(SessionEvent(kind, SID_B, record(SID_B)))
    assert removed.args[1:] == [1, 1] and sessions.row_of(SID_B) == -1
    with qtbot.assertNotEmitted(sessions.rowsRemoved):
        sessions.apply(SessionEvent(kind, SID_C))  # a session this table never showed


def test_the_current_session_row_is_marked(qtbot, sessions):
    with qtbot.waitSignal(sessions.dataChanged) as changed:
        sessions.set_current_sid(SID_B)
    assert changed.args[0].row() == 1
    assert cell(sessions, 1, 0, Role.BackgroundRole) == accent_background()
    assert cell(sessions, 1, 2, Role.FontRole).bold()
    assert cell(sessions, 1, 0, Role.ToolTipRole).endswith(
        "(this client's cookie names this session)"
    )
    assert cell(sessions, 0, 0, Role.BackgroundRole) is cell(sessions, 0, 0, Role.FontRole) is None
    assert cell(sessions, 0, 0, Role.ToolTipRole) == SID_A
    with qtbot.assertNotEmitted(sessions.dataChanged):
        sessions.set_current_sid(SID_B)
    sessions.set_current_sid(None)
    assert cell(sessions, 1, 0, Role.BackgroundRole) is None


def test_the_countdown_ticks_without_asking_anyone(qtbot, sessions):
    def expires_column(top, bottom, roles) -> bool:
        return top.column() == bottom.column() == EXPIRES

    with qtbot.waitSignal(sessions.dataChanged, check_params_cb=expires_column, timeout=3000):
        pass


def test_traffic_cells_tooltips_and_errors_in_red(traffic):
    first = " | ".join(cell(traffic, 0, c) for c in range(7))
    assert first == "1 | Browser 1 | GET | /app_sessions/login/ | 200 OK | — | sessionid=aaaa…"
    second = " | ".join(cell(traffic, 1, c) for c in range(4, 7))
    assert second == "404 NOT FOUND | sessionid=aaaa… | sessionid (delete)"
    assert [cell(traffic, r, 2, Role.ToolTipRole) for r in (0, 1)] == ["Created.", "Lost."]
    assert cell(traffic, 0, 3, Role.ForegroundRole) is None
    assert cell(traffic, 1, 3, Role.ForegroundRole) == severity_colour("error")


@pytest.mark.parametrize(("status", "red"), [(302, False), (399, False), (400, True), (500, True)])
def test_status_400_and_up_is_red(qapp, make_exchange, status, red):
    model = TrafficTableModel()
    model.append(TrafficEntry(make_exchange(status=status, reason="X"), (), ""))
    assert (cell(model, 0, 0, Role.ForegroundRole) == severity_colour("error")) is red


def test_a_timeline_row_s_text_is_made_once_as_rows_arrive(traffic, make_exchange, monkeypatch):
    # An exchange never changes: a new row below it must not make its text again.
    made = []
    compute = TrafficTableModel._compute_cells
    monkeypatch.setattr(
        traffic,
        "_compute_cells",
        lambda entry: made.append(entry.number) or compute(traffic, entry),
    )
    for number in (3, 4):
        cell(traffic, 0, 0)
        traffic.append(TrafficEntry(make_exchange(number=number), (), "Next."))
    assert made.count(1) == 1


def test_traffic_append_and_clear(qtbot, traffic, make_exchange):
    entry = TrafficEntry(make_exchange(number=3), (SessionEvent("created", SID_C),), "Third.")
    with qtbot.waitSignal(traffic.rowsInserted) as inserted:
        traffic.append(entry)
    assert inserted.args[1:] == [2, 2]
    assert traffic.entry(2) == replace(entry, number=3)
    assert traffic.entries()[-1] == traffic.entry(2)
    with qtbot.waitSignal(traffic.modelReset):
        traffic.clear()
    assert traffic.rowCount() == 0 and traffic.entries() == []


def test_the_store_shows_the_user_first_and_cuts_long_values(qtmodeltester):
    from server.records import SessionRecord

    sessions = SessionTableModel()
    data = {"csrf_token": "f" * 40, "userid": "alice"}
    sessions.reset([SessionRecord("s" * 43, data)])
    qtmodeltester.check(sessions)
    assert cell(sessions, 0, DATA) == '{"userid": "alice", "csrf_token": "ffffff…"}'
    assert "f" * 40 in cell(sessions, 0, DATA, Role.ToolTipRole)


def test_the_store_shows_a_name_that_reverses_text_as_typed(qtmodeltester):
    # A right-to-left override in a user name would turn the rest of the Data cell around.
    model = SessionTableModel()
    model.reset([SessionRecord("s" * 43, {"userid": "rtl\u202enimda", "csrf_token": "t"})])
    qtmodeltester.check(model)
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
        shown = model.data(model.index(0, len(model.COLUMNS) - 1), role)
        assert "rtl\\u202enimda" in shown and "\u202e" not in shown
