"""While the lab is shared: the class's requests are told apart, rate-limited, capped, published."""

from __future__ import annotations

import pytest
from flask import request
from helpers import LOGIN, SECURED, SessionActions

from server.class_access import from_the_class
from server.class_requests import request_seen
from server.rate_limit import RateLimiter
from server.session_cap import lab_full_message
from server.user_agents import browser_name

SHARED = "10.0.0.1"


@pytest.fixture
def app_config(tmp_path):
    """A lab shared on 10.0.0.1 with small limits, so tests reach them in a few requests."""
    return {
        "DATA_DIR": tmp_path / "data",
        "SESSION_STORE": "sqlite",
        "SHARED_ADDRESS": SHARED,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]", SHARED],
        "RATE_LIMIT_BURST": 5,
        "RATE_LIMIT_PER_SECOND": 0.001,
        "SHARED_SESSION_CAP": 3,
    }


class Device:
    """A Flask test client that sends what a device at ``address`` sends."""

    def __init__(self, app, address: str, host: str = f"{SHARED}:8000") -> None:
        self.client = app.test_client()
        self.sent = {"environ_base": {"REMOTE_ADDR": address}, "headers": {"Host": host}}

    def get(self, path, **kwargs):
        return self.client.get(path, **self.sent, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, **self.sent, **kwargs)

    def get_cookie(self, name):
        return self.client.get_cookie(name, domain=SHARED)


@pytest.mark.parametrize(
    ("peer", "host", "shared", "expected"),
    [
        ("10.0.0.5", f"{SHARED}:8000", True, True),
        ("127.0.0.1", f"{SHARED}:8000", True, True),  # this machine, over the shared address
        ("10.0.0.5", "127.0.0.1:8000", True, True),  # a device cannot pass for this machine
        ("127.0.0.1", "127.0.0.1:8000", True, False),  # the lab's own browsers
        ("::1", "[::1]:8000", True, False),
        ("not an address", "127.0.0.1", True, True),
        ("10.0.0.5", f"{SHARED}:8000", False, False),  # not shared: nobody is the class
    ],
)
def test_the_class_is_told_from_this_machine(app, peer, host, shared, expected):
    app.config["SHARED_ADDRESS"] = SHARED if shared else None
    context = app.test_request_context(
        LOGIN, environ_base={"REMOTE_ADDR": peer}, headers={"Host": host}
    )
    with context:
        assert from_the_class(app, request) is expected


def test_a_device_over_its_rate_gets_a_429_and_others_carry_on(app):
    greedy = Device(app, "10.0.0.5")
    answers = [greedy.get(LOGIN).status_code for _ in range(7)]
    assert answers == [200] * 5 + [429] * 2
    refused = greedy.get(LOGIN)
    assert "more requests than the shared lab takes" in refused.text
    assert int(refused.headers["Retry-After"]) >= 1
    assert Device(app, "10.0.0.6").get(LOGIN).status_code == 200
    own = Device(app, "127.0.0.1", "127.0.0.1:8000")
    assert {own.get(LOGIN).status_code for _ in range(10)} == {200}


def test_nobody_is_limited_when_the_lab_is_not_shared(app):
    app.config["SHARED_ADDRESS"] = None
    device = Device(app, "10.0.0.5")
    assert {device.get(LOGIN).status_code for _ in range(10)} == {200}


def test_the_rate_refills_with_time():
    clock = [0.0]
    limiter = RateLimiter(clock=lambda: clock[0])
    assert [limiter.take("a", 2, 1.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]
    clock[0] += 1.0
    assert limiter.take("a", 2, 1.0) == 0.0
    assert limiter.take("b", 2, 1.0) == 0.0  # each client has a bucket of its own


def test_the_session_cap_refuses_newcomers_with_a_clear_page(app):
    app.config["RATE_LIMIT_BURST"] = 100
    students = [SessionActions(Device(app, f"10.0.0.{n}")) for n in range(10, 13)]
    for number, student in enumerate(students):
        assert student.login(f"student{number}").status_code == 302
    late = Device(app, "10.0.0.20")
    full = late.get(LOGIN)
    assert full.status_code == 503
    assert lab_full_message(3) in full.text.replace("&#39;", "'")
    # Sessions nobody logged in with live 5 minutes: the page says so, not "a minute".
    assert "wait 5 minutes for unused sessions to expire" in lab_full_message(3)
    assert full.headers["Retry-After"] == "60"
    assert late.get_cookie("sessionid") is None  # the refusal made no session
    # Devices that have a session carry on; the lab's own browsers are never refused.
    assert "student0" in students[0].secured_page().text
    own = SessionActions(Device(app, "127.0.0.1", "127.0.0.1:8000"))
    assert own.login("teacher").status_code == 302


def test_the_lab_full_page_says_how_long_unused_sessions_live(app):
    app.config.update(RATE_LIMIT_BURST=100, SESSION_IDLE_LIFETIME=20)  # short lifetimes on
    for number in range(3):
        Device(app, f"10.0.0.{number + 10}").get(LOGIN)
    full = Device(app, "10.0.0.20").get(LOGIN)
    assert full.status_code == 503 and "wait 1 minute for unused sessions" in full.text


@pytest.fixture
def seen(app):
    """The RequestSeen records the app publishes, in order."""
    records = []

    def receive(sender, seen):
        records.append(seen)

    request_seen.connect(receive, sender=app, weak=False)
    yield records
    request_seen.disconnect(receive, sender=app)


def test_the_class_requests_are_published_with_their_sessions(app, seen):
    phone = Device(app, "10.0.0.5")
    actions = SessionActions(phone)
    actions.login("alice")
    after_login = phone.get_cookie("sessionid").value
    phone.get(SECURED)
    actions.logout()
    assert [(s.method, s.path, s.status) for s in seen] == [
        ("GET", LOGIN, 200),
        ("POST", LOGIN, 302),
        ("GET", SECURED, 200),
        ("GET", "/app_sessions/logout/", 200),
    ]
    form_sid = seen[0].sid_held
    assert form_sid is not None and seen[0].sid_sent is None
    assert (seen[1].sid_sent, seen[1].sid_held) == (form_sid, after_login)  # rotated at login
    assert (seen[2].sid_sent, seen[2].sid_held) == (after_login, after_login)
    assert (seen[3].sid_sent, seen[3].sid_held) == (after_login, None)  # logged out
    assert {s.address for s in seen} == {"10.0.0.5"}


def test_the_published_requests_say_why_the_lab_turned_them_away(app, seen):
    students = [Device(app, f"10.0.0.{number + 10}") for number in range(3)]
    for student in students:  # the cap is 3 sessions
        student.get(LOGIN)
    assert Device(app, "10.0.0.20").get(LOGIN).status_code == 503
    for _ in range(10):  # its burst of 5 runs out (bounded: a limit that never bites fails)
        if students[0].get(SECURED).status_code == 429:
            break
    else:
        pytest.fail("the rate limit never turned the device away")
    assert [s.refused for s in seen if s.status == 200] == [""] * (len(seen) - 2)
    assert [(s.status, s.refused) for s in seen if s.status != 200] == [
        (503, "full"),
        (429, "rate"),
    ]


def test_the_lab_s_own_requests_are_not_published(app, seen):
    SessionActions(Device(app, "127.0.0.1", "127.0.0.1:8000")).login()
    assert seen == []


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (
            "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0",
            "Firefox on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "Headless Chrome on Linux",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        ("curl/8.5.0", "curl"),
        ("python-requests/2.32.3", "Python requests"),
        ("SessionLab/0.1 (+requests)", "Session Lab"),
        ("", "Unknown browser"),
        ("<script>alert(1)</script>", "Unknown browser"),
        ("Zork/1.0 (Amiga)", "Zork"),
    ],
)
def test_browsers_are_named_from_their_user_agent(user_agent, name):
    assert browser_name(user_agent) == name
