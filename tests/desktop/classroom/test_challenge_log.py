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


def test_ten_challenges_with_goals_hints_and_plain_checks():
    assert len(CHALLENGES) == 11
    assert len({c.key for c in CHALLENGES}) == 11
    for challenge in CHALLENGES:
        assert challenge.goal and challenge.explanation and challenge.mitigation
        assert 1 <= len(challenge.hints) <= 3
        assert challenge.check(ChallengeLog()) is None  # nothing happened: nothing solved
    assert not loads_qt("desktop.classroom.challenge_log")


def secured(make_exchange, user: str, cookie: str):
    """A secured page that greeted ``user``, requested with session cookie ``cookie``."""
    body = f"<h1>Welcome USER: {user} !, You have access to this Secure Page</h1>"
    return make_exchange(path=SECURED, response_body=body, cookie=f"sessionid={cookie}")


def login(make_exchange, typed: str):
    """A login the server accepted, with ``typed`` as the user name field."""
    return make_exchange(method="POST", status=302, request_body=f"userid={typed}&passwd=x")


def verdict_of(key: str, *hops: Hop) -> str | None:
    """Run challenge ``key``'s check on ``hops``; return the verdict's kind."""
    log = ChallengeLog()
    for hop in hops:
        log.add(hop)
    [challenge] = [c for c in CHALLENGES if c.key == key]
    verdict = challenge.check(log)
    return verdict.kind if verdict else None


def test_a_name_with_spaces_or_the_pages_own_words_is_read_as_the_server_reads_it(make_exchange):
    assert Hop("Browser 2", login(make_exchange, "alice+")).logged_in_as == "alice"  # "alice "
    tricky = "alice !, You have access x"
    assert Hop("Browser 2", secured(make_exchange, tricky, "s")).welcomed == tricky


@pytest.mark.parametrize("typed", ["alice", "alice+", "+alice+"])
def test_hijack_by_typing_alices_name_in_any_form_is_a_shortcut(make_exchange, typed):
    hops = (
        Hop("Browser 1", login(make_exchange, "alice")),
        Hop("Browser 3", login(make_exchange, typed)),  # another thief's browser, then copied
        Hop("Browser 2", secured(make_exchange, "alice", "stolen")),
    )
    assert verdict_of("hijack", *hops) == "shortcut"


def test_forge_by_copying_a_real_admin_login_is_a_shortcut(make_exchange):
    hops = (
        Hop("Browser 2", login(make_exchange, "admin")),
        Hop("Browser 1", secured(make_exchange, "admin", "copied")),
    )
    assert verdict_of("forge", *hops) == "shortcut"


def test_replay_needs_this_browsers_own_old_cookie(make_exchange):
    logout = make_exchange(
        path="/app_sessions/logout/", response_body="Successfully bob Logged out !"
    )
    hops = (
        Hop("Browser 2", secured(make_exchange, "bob", "live")),  # another browser's session
        Hop("Browser 1", login(make_exchange, "bob")),
        Hop("Browser 1", secured(make_exchange, "bob", "mine")),
        Hop("Browser 1", logout),
        Hop("Browser 1", secured(make_exchange, "bob", "live")),  # copied, not replayed
    )
    assert verdict_of("replay", *hops) != "solved"
    replayed = (*hops[:4], Hop("Browser 1", secured(make_exchange, "bob", "mine")))
    assert verdict_of("replay", *replayed) == "solved"
