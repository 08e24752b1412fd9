"""What a challenge reads from an exchange: who was greeted, who logged in, where it came from."""

from __future__ import annotations

import pytest
from helpers import loads_qt

from desktop.classroom.challenge_log import ChallengeLog, Hop, Restart
from desktop.classroom.challenges import CHALLENGES

SECURED = "/app_sessions/secured_page/"
WELCOME_PAGE = "<h1>Welcome USER: a&amp;b !, You have access to this Secure Page</h1>"


def test_the_secured_page_greeting_is_read_unescaped(make_exchange):
    hop = Hop("Browser 1", make_exchange(path=SECURED, response_body=WELCOME_PAGE))
    assert hop.welcomed == "a&b"
    refused = make_exchange(path=SECURED, response_body="You are not logged in")
    assert Hop("Browser 1", refused).welcomed is None


@pytest.mark.parametrize(("status", "user"), [(302, "alice"), (400, None)])
def test_only_a_login_the_server_accepted_counts(make_exchange, status, user):
    exchange = make_exchange(method="POST", status=status, request_body="userid=alice&passwd=x")
    assert Hop("Browser 1", exchange).logged_in_as == user


@pytest.mark.parametrize(
    ("initiator", "other"),
    [(None, False), ("http://127.0.0.1:5000/app_sessions/login/", False),
     ("http://localhost:5001/", True)],
)  # fmt: skip
def test_a_request_comes_from_another_site_only_when_its_site_differs(
    make_exchange, initiator, other
):
    exchange = make_exchange(url="http://127.0.0.1:5000/app_sessions/login/", initiator=initiator)
    assert Hop("Browser 1", exchange).from_other_site is other


def test_the_log_keeps_order_and_asks_by_identity(make_exchange):
    log = ChallengeLog()
    first, restart = Hop("Browser 1", make_exchange()), Restart("sqlite")
    log.add(first)
    log.add(restart)
    assert log.before(restart) == [first]
    assert log.hops == [first]


def test_nine_challenges_with_goals_hints_and_plain_checks():
    assert len(CHALLENGES) == 9
    assert len({c.key for c in CHALLENGES}) == 9
    for challenge in CHALLENGES:
        assert challenge.goal and challenge.explanation and challenge.mitigation
        assert 1 <= len(challenge.hints) <= 3
        assert challenge.check(ChallengeLog()) is None  # nothing happened: nothing solved
    assert not loads_qt("desktop.classroom.challenge_log")
