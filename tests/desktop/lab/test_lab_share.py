"""Sharing the lab on a second address: 127.0.0.2 stands for the teacher's network address."""

from __future__ import annotations

import concurrent.futures

import pytest
import requests
from devices import FIREFOX_ANDROID, SHARED, device, join
from helpers import LOGIN

from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_share import (
    check_address,
    host_entry,
    local_addresses,
    share_address_for,
    stop_together,
)
from server.runner import ServerStartError

STUDENTS = 40


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
    seen = shared_lab.class_requests.take()
    assert [s.path for s in seen][:2] == [LOGIN, LOGIN]
    assert {s.user_agent for s in seen} == {FIREFOX_ANDROID}
    assert shared_lab.class_requests.take() == []


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


def test_a_lab_that_cannot_share_starts_on_loopback_with_a_notice(tmp_path):
    lab = Lab(store="memory", data_dir=tmp_path / "data", share_address="192.0.2.1")
    lab.start()
    try:
        assert lab.server.running and lab.share_url is None
        assert any("could not be shared on 192.0.2.1" in notice for notice in lab.notices)
    finally:
        lab.close()


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "example.com", "", "224.0.0.1"])
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


def test_the_rate_limit_holds_over_the_network(tmp_path):
    lab = Lab(
        store="memory",
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
    seen = shared_lab.class_requests.take()
    assert len({s.address for s in seen}) == STUDENTS


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
