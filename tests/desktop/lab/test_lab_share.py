"""Sharing the lab on a second address: 127.0.0.2 stands for the teacher's network address."""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing.context
import threading

import pytest
import requests
from devices import FIREFOX_ANDROID, SHARED, device, join
from helpers import LOGIN, SECURED, csrf_token, poll_until

from desktop.lab import cookie_settings
from desktop.lab.class_server import ClassServer, ClassServerFailed
from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_share import (
    LabShare,
    check_address,
    host_entry,
    local_addresses,
    share_address_for,
    stop_together,
)
from server.events import ALL_SIGNALS
from server.runner import ServerStartError

STUDENTS = 40
WAIT = 15  # seconds for the class server process to pass on what it saw


class Seen:
    """The class's requests the lab has collected so far (they come from another process)."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.requests = []

    def until(self, condition, what: str) -> list:
        def taken():
            self.requests += self.lab.class_requests.take()
            return condition(self.requests)

        poll_until(taken, WAIT, what)
        return self.requests


@pytest.fixture
def shared_lab(tmp_path):
    """A running lab shared on 127.0.0.2."""
    lab = Lab(store="sqlite", data_dir=tmp_path / "data")
    lab.start()
    lab.share_on(SHARED)
    yield lab
    lab.close()


def test_students_join_over_the_shared_address_and_a_foreign_host_is_refused(shared_lab):
    assert shared_lab.share_url == f"http://{SHARED}:{shared_lab.server.port}"  # same port
    phone = device(user_agent=FIREFOX_ANDROID)
    assert "Welcome USER: sam !" in join(phone, shared_lab.share_url, "sam").text
    foreign = phone.get(shared_lab.share_url + LOGIN, headers={"Host": "evil.example"})
    assert foreign.status_code == 400
    assert "answers only to the names it was told to trust" in foreign.text
    # The lab's own address works as before, and the class's requests were collected.
    assert device().get(shared_lab.url + LOGIN, timeout=10).status_code == 200
    # The form, the login, the page it leads to (opened again), then the foreign Host's refusal.
    seen = Seen(shared_lab).until(lambda seen: len(seen) >= 5, "the student's requests")
    assert [(s.path, s.status) for s in seen] == [
        (LOGIN, 200), (LOGIN, 302), (SECURED, 200), (SECURED, 200), (LOGIN, 400)
    ]  # fmt: skip
    assert {s.user_agent for s in seen} == {FIREFOX_ANDROID}
    assert shared_lab.class_requests.take() == []


def test_the_class_is_served_by_a_process_of_its_own_that_tells_the_lab(shared_lab):
    assert isinstance(shared_lab.share, ClassServer)
    assert shared_lab.share.serving.wait(WAIT)
    sids, arrived = set(), threading.Condition()

    def seen(sender, event) -> None:  # on the lab's thread that reads the child's pipe
        with arrived:
            sids.add(event.sid)
            arrived.notify_all()

    for signal in ALL_SIGNALS.values():
        signal.connect(seen, shared_lab.app, weak=False)
    phone = device("127.0.1.7")
    join(phone, shared_lab.share_url, "sam")
    sid = phone.cookies["sessionid"]
    # The lab's own app publishes the child's events, so the window's bridge sees them.
    with arrived:
        assert arrived.wait_for(lambda: sid in sids, WAIT), "the student's session event"
    assert {r.sid: r.data.get("userid") for r in shared_lab.sessions()}[sid] == "sam"


@pytest.mark.parametrize("store", ["cookie", "redis"])
def test_every_store_two_processes_can_share_serves_the_class_from_its_own(
    tmp_path, request, store
):
    extra = {"REDIS_URL": request.getfixturevalue("redis_url")} if store == "redis" else {}
    lab = Lab(store=store, data_dir=tmp_path / "data", extra_config=extra, share_address=SHARED)
    lab.start()
    try:
        assert isinstance(lab.share, ClassServer)
        phone = device("127.0.1.9")
        assert "Welcome USER: sam !" in join(phone, lab.share_url, "sam").text
        # The lab's own address takes the student's cookie: one key, one store.
        cookie = {"sessionid": phone.cookies["sessionid"]}
        assert "Welcome USER: sam !" in device().get(lab.url + SECURED, cookies=cookie).text
        Seen(lab).until(lambda seen: len(seen) >= 4, "the student's requests")
    finally:
        lab.close()


def test_what_the_teacher_changes_reaches_the_class_s_server(shared_lab):
    phone = device("127.0.1.8")
    assert (
        "SameSite=Lax" in phone.get(shared_lab.share_url + LOGIN, timeout=10).headers["Set-Cookie"]
    )
    cookie_settings.set_same_site(shared_lab, "Strict")
    poll_until(
        lambda: (
            "SameSite=Strict" in device().get(shared_lab.share_url + LOGIN).headers["Set-Cookie"]
        ),
        WAIT,
        "the new SameSite on the shared address",
    )
    # Login CSRF works on the shared address too: a form without its token is taken.
    shared_lab.set_switch("no_csrf", True)
    poll_until(
        lambda: "Set-Cookie" not in device().get(shared_lab.share_url + LOGIN).headers,
        WAIT,
        "a form without a CSRF token (so no session) on the shared address",
    )
    forged = phone.post(
        shared_lab.share_url + LOGIN, data={"userid": "mallory", "passwd": "x"}, timeout=10
    )
    assert "Welcome USER: mallory !" in forged.text
    shared_lab.set_switch("no_csrf", False)
    poll_until(
        lambda: (
            device()
            .post(shared_lab.share_url + LOGIN, data={"userid": "m", "passwd": "x"})
            .status_code
            == 400
        ),
        WAIT,
        "the CSRF check back on the shared address",
    )


def test_a_class_server_that_dies_is_reported(tmp_path):
    failures, reported = [], threading.Event()

    def report(error: BaseException) -> None:
        failures.append(error)
        reported.set()

    lab = Lab(store="sqlite", data_dir=tmp_path / "data", on_server_error=report)
    lab.start()
    try:
        lab.share_on(SHARED)
        assert lab.share.serving.wait(WAIT)
        lab.share._process.kill()
        assert reported.wait(WAIT), "the report of the class server's end"
        assert isinstance(failures[0], ClassServerFailed)
        assert not lab.share.running
        assert lab.stop()  # stopping what already ended is quick and clean
    finally:
        lab.close()


def test_a_class_server_stopped_as_it_starts_ends_cleanly(tmp_path):
    lab = Lab(store="sqlite", data_dir=tmp_path / "data")
    lab.start()
    try:
        lab.share_on(SHARED)
        process = lab.share._process
        assert lab.stop()  # at once: the child may still be importing Flask
        assert not process.is_alive()
        assert not lab.share.serving.is_set()  # it read "stop" before serving, and never served
        assert lab.start() and lab.share.serving.wait(WAIT)  # shared again on restart
        assert device().get(lab.share_url + LOGIN, timeout=10).status_code == 200
    finally:
        lab.close()


def test_a_lab_in_memory_serves_the_class_from_the_window_s_process(tmp_path):
    lab = Lab(store="memory", data_dir=tmp_path / "data", share_address=SHARED)
    lab.start()
    try:
        assert isinstance(lab.share, LabShare)  # a second process could not see its sessions
        assert "Welcome USER: sam !" in join(device(), lab.share_url, "sam").text
    finally:
        lab.close()


def test_stop_sharing_returns_to_loopback_only(shared_lab):
    url = shared_lab.share_url
    shared_lab.stop_sharing()
    assert shared_lab.share_url is None
    assert SHARED not in shared_lab.app.config["ALLOWED_HOSTS"]
    assert not shared_lab.app.config["SHARED_ADDRESS"]
    with pytest.raises(requests.ConnectionError):
        device().get(url + LOGIN, timeout=5)
    assert device().get(shared_lab.url + LOGIN, timeout=10).status_code == 200


def test_a_restarted_lab_is_shared_again(shared_lab):
    shared_lab.close()
    again = shared_lab.rebuilt()
    again.start()
    try:
        assert again.share_url == f"http://{SHARED}:{again.server.port}"
        assert device().get(again.share_url + LOGIN, timeout=10).status_code == 200
    finally:
        again.close()


def refuse_to_start_a_process(self):
    raise OSError("no more processes")


@pytest.mark.parametrize(
    ("store", "address", "said"),
    [
        ("memory", "192.0.2.1", "could not be shared on 192.0.2.1"),  # not this computer's
        ("sqlite", "192.0.2.1", "could not be shared on 192.0.2.1"),
        ("sqlite", SHARED, "no more processes"),  # the class server's process cannot start
        ("sqlite", "127.0.0.1", "own loopback address, which no other device can open"),
    ],
)
def test_a_lab_that_cannot_share_starts_on_loopback_with_a_notice(
    tmp_path, monkeypatch, store, address, said
):
    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", refuse_to_start_a_process)
    lab = Lab(store=store, data_dir=tmp_path / "data", share_address=address)
    lab.start()
    try:
        assert lab.server.running and lab.share_url is None
        assert any(said in notice for notice in lab.notices)
    finally:
        lab.close()


@pytest.mark.parametrize(
    "address", ["0.0.0.0", "::", "example.com", "", "224.0.0.1", "127.0.0.1", "::1", "[::1]"]
)
def test_only_an_address_of_this_computer_is_accepted(address):
    with pytest.raises(ValueError):
        check_address(address)


def test_an_address_that_is_not_this_computer_s_is_refused(shared_lab):
    with pytest.raises(ServerStartError):
        shared_lab.share_on("192.0.2.1")  # TEST-NET: never a local address
    assert shared_lab.share_url is None  # the old share ended first


def test_helpers():
    assert host_entry("::1") == "[::1]"
    assert host_entry("10.0.0.1") == "10.0.0.1"
    assert all(not address.startswith("127.") for address in local_addresses())
    assert stop_together([lambda: True, lambda: True])
    assert not stop_together([lambda: True, lambda: False])


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_the_rate_limit_holds_over_the_network(tmp_path, store):
    lab = Lab(
        store=store,
        data_dir=tmp_path / "data",
        extra_config={"RATE_LIMIT_BURST": 10, "RATE_LIMIT_PER_SECOND": 0.01},
        share_address=SHARED,
    )
    lab.start()
    try:
        greedy, calm = device("127.0.1.1"), device("127.0.1.2")
        answers = [greedy.get(lab.share_url + LOGIN, timeout=10).status_code for _ in range(12)]
        assert answers == [200] * 10 + [429] * 2
        assert calm.get(lab.share_url + LOGIN, timeout=10).status_code == 200
        assert {device().get(lab.url + LOGIN).status_code for _ in range(15)} == {200}
    finally:
        lab.close()


def test_the_session_cap_holds_over_the_network(tmp_path):
    lab = Lab(
        store="sqlite",
        data_dir=tmp_path / "data",
        extra_config={"SHARED_SESSION_CAP": 4},
        share_address=SHARED,
    )
    lab.start()
    try:
        for number in range(4):
            assert join(device(f"127.0.1.{number + 1}"), lab.share_url, f"s{number}").ok
        late = device("127.0.1.9").get(lab.share_url + LOGIN, timeout=10)
        assert late.status_code == 503
        assert "The lab is full" in late.text
        assert len(lab.sessions()) == 4
        assert device().get(lab.url + LOGIN, timeout=10).status_code == 200  # the teacher's
    finally:
        lab.close()


def test_forty_students_join_at_once_without_cross_talk(shared_lab):
    def student(number: int) -> tuple[str, str]:
        http = device(f"127.0.1.{number}")
        page = join(http, shared_lab.share_url, f"student{number}")
        return page.text, http.cookies["sessionid"]

    with concurrent.futures.ThreadPoolExecutor(STUDENTS) as pool:
        results = list(pool.map(student, range(1, STUDENTS + 1)))
    for number, (page, _sid) in enumerate(results, start=1):
        assert f"Welcome USER: student{number} !" in page
    sids = [sid for _page, sid in results]
    assert len(set(sids)) == STUDENTS
    users = {r.sid: r.data.get("userid") for r in shared_lab.sessions()}
    assert [users[sid] for sid in sids] == [f"student{n}" for n in range(1, STUDENTS + 1)]
    Seen(shared_lab).until(
        lambda seen: len({s.address for s in seen}) == STUDENTS, "every student's requests"
    )


def test_the_share_option_picks_an_address():
    from desktop.app.main import build_parser

    parser = build_parser()
    assert parser.parse_args([]).share is None
    assert parser.parse_args(["--share"]).share == "auto"
    assert parser.parse_args(["--share", SHARED]).share == SHARED
    assert share_address_for(SHARED) == (SHARED, "")
    assert share_address_for(None) == (None, "")
    address, notice = share_address_for("auto")
    assert (address in local_addresses()) if address else "no local network address" in notice


def test_short_lifetimes_reach_a_signed_cookie_on_both_addresses(tmp_path):
    # The signed cookie's own time stamp is refused once older than the idle lifetime: set
    # now, that holds on the lab's address and on the class's server process alike.
    lab = Lab(store="cookie", data_dir=tmp_path / "data", share_address=SHARED)
    lab.start()
    try:
        assert isinstance(lab.share, ClassServer) and lab.share.serving.wait(WAIT)
        phone = device("127.0.1.5")
        join(phone, lab.share_url, "sam")
        cookie = {"sessionid": phone.cookies["sessionid"]}
        lab.set_lifetimes(1, 2)

        def refused(base_url: str) -> bool:
            page = device().get(base_url + SECURED, cookies=cookie, timeout=10)
            return "Welcome USER: sam !" not in page.text

        poll_until(lambda: refused(lab.url), WAIT, "the old signed cookie refused by the lab")
        poll_until(lambda: refused(lab.share_url), WAIT, "it refused on the shared address")
    finally:
        lab.close()


def test_a_student_s_remember_me_token_shows_in_the_lab(shared_lab):
    cookie_settings.set_remember_me(shared_lab, True)
    phone = device("127.0.1.6")
    poll_until(
        lambda: 'name="remember"' in phone.get(shared_lab.share_url + LOGIN, timeout=10).text,
        WAIT,
        "the Remember me box on the shared address",
    )
    form = phone.get(shared_lab.share_url + LOGIN, timeout=10)
    phone.post(
        shared_lab.share_url + LOGIN,
        data={"csrf_token": csrf_token(form.text), "userid": "sam", "passwd": "x", "remember": "y"},
        timeout=10,
    ).raise_for_status()
    assert "remember_token" in phone.cookies
    tokens = poll_until(
        lambda: cookie_settings.remember_tokens(shared_lab), WAIT, "the student's token"
    )
    assert [token.userid for token in tokens] == ["sam"]
    shared_lab.stop_sharing()
    assert cookie_settings.remember_tokens(shared_lab) == []  # they went with its process


def test_a_class_server_that_cannot_start_is_reported_once(tmp_path):
    lab = Lab(store="sqlite", data_dir=tmp_path / "data")
    failures = []
    share = ClassServer(lab.app, {"SESSION_STORE": "nowhere"}, SHARED, on_error=failures.append)
    try:
        share.start()
        share._reader.join(WAIT)  # it reads until the child's end of the pipe closes
        assert len(failures) == 1 and "nowhere" in str(failures[0])
        assert not share.running
    finally:
        share.end(1.0)
        lab.close()


def test_the_class_server_s_warnings_go_to_the_app_s_log(shared_lab, caplog):
    from desktop.lab.class_server_process import _LogToTheLab

    sent = []
    handler = _LogToTheLab(lambda kind, payload: sent.append((kind, payload)))
    handler.handle(logging.makeLogRecord({"levelno": 30, "name": "waitress", "msg": "slow"}))
    assert sent == [("log", (30, "waitress", "slow"))]
    with caplog.at_level(logging.WARNING):
        shared_lab.share._publish(*sent[0])
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("class_server.waitress", "slow")]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ([], {"at": "start"}),
        ([("settings", {"at": "later"})], {"at": "later"}),
        ([("settings", {"at": "later"}), ("stop", None)], None),
        ([("stop", None), ("settings", {"at": "later"})], None),
    ],
)
def test_a_starting_class_server_reads_what_the_lab_said_meanwhile(said, expected):
    from desktop.lab.class_server_process import _latest_settings

    lab_end, child_end = multiprocessing.Pipe()
    with lab_end, child_end:
        for message in said:
            lab_end.send(message)
        assert _latest_settings(child_end, {"at": "start"}) == expected


def test_a_starting_class_server_whose_lab_is_gone_serves_nothing():
    from desktop.lab.class_server_process import _latest_settings

    lab_end, child_end = multiprocessing.Pipe()
    lab_end.close()
    with child_end:
        assert _latest_settings(child_end, {"at": "start"}) is None
