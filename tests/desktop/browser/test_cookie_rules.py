"""The lab browser's cookie rules (SameSite, Secure, prefixes, expiry) against RFC 6265bis cases.

The cases are those of ``tests/cookie_cases.py``, which the real-Chromium test replays in
Chromium: this test runs them through the lab's own jar and policy.
"""

from __future__ import annotations

import time

import pytest
from cookie_cases import (
    JAR,
    LAB_HOST,
    OTHER_HOST,
    OVERWRITE_CASES,
    SEND_CASES,
    STORE_CASES,
    LabJar,
    OverwriteCase,
    SendCase,
    StoreCase,
    lab_keeps,
    lab_overwrite,
)

from desktop.browser.cookie_rules import (
    LAX_ALLOWING_UNSAFE_SECONDS,
    NAVIGATION,
    CookieFacts,
    RequestFacts,
    refusal_to_send,
    refusal_to_store,
)


@pytest.mark.parametrize("case", STORE_CASES, ids=lambda c: f"{c.scheme}:{c.header}")
def test_set_cookie_is_kept_or_refused_as_the_specification_says(case: StoreCase):
    assert lab_keeps(case) is case.kept, case.rule
    lab = LabJar()
    lab.receive(f"{case.scheme}://{LAB_HOST}/set", [case.header])
    if not case.kept and "Max-Age" not in case.header and "Expires" not in case.header:
        # A refusal says why (expiry is the jar's own: the cookie is simply gone).
        assert [r.name for r in lab.policy.rejected] == [case.name]
        assert lab.policy.rejected[0].reason


@pytest.mark.parametrize("case", OVERWRITE_CASES, ids=lambda c: c.rule)
def test_plain_http_leaves_secure_cookies_alone(case: OverwriteCase):
    assert lab_overwrite(case) == case.kept, case.rule


def test_a_refused_overwrite_says_why():
    lab = LabJar()
    lab.receive(f"https://{LAB_HOST}/set", ["a=1; Secure; Path=/"])
    lab.receive(f"http://{LAB_HOST}/set", ["a=2; Path=/"])
    (refused,) = lab.policy.rejected
    assert refused.reason.startswith("a Secure cookie of this name is already kept")


@pytest.mark.parametrize("case", SEND_CASES, ids=lambda c: f"{c.how}-{c.scheme}")
def test_cross_site_requests_carry_the_cookies_the_specification_says(case: SendCase):
    lab = LabJar()
    lab.receive(f"https://{LAB_HOST}/set", list(JAR.values()))
    assert lab.names() == set(JAR)
    assert lab.sent(case) == case.sent, case.rule
    # Every cookie held back is named with a reason.
    assert {w.name for w in lab.policy.withheld} == set(JAR) - case.sent
    assert all(w.reason for w in lab.policy.withheld)


def test_lax_allowing_unsafe_lasts_two_minutes_for_cookies_without_same_site():
    unset = CookieFacts("unset", created=1000.0)
    post = RequestFacts(f"https://{LAB_HOST}/", "POST", f"https://{OTHER_HOST}/", NAVIGATION)
    assert refusal_to_send(unset, post, now=1000.0 + LAX_ALLOWING_UNSAFE_SECONDS - 1) is None
    late = refusal_to_send(unset, post, now=1000.0 + LAX_ALLOWING_UNSAFE_SECONDS)
    assert late is not None and "treated as Lax" in late
    # An explicit Lax never rides a cross-site POST, however fresh.
    lax = CookieFacts("lax", same_site="Lax", created=1000.0)
    assert "SameSite=Lax" in refusal_to_send(lax, post, now=1000.0)


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        (CookieFacts("a", same_site="None"), "SameSite=None without Secure"),
        (CookieFacts("__Host-a", secure=True, path_attribute="/x"), "Path=/"),
        (CookieFacts("__Host-a", secure=True, domain_attribute=True, path_attribute="/"), "Domain"),
        (CookieFacts("__Secure-a"), "__Secure-"),
    ],
)
def test_refusals_name_the_rule_broken(facts, words):
    assert words in refusal_to_store(facts, f"https://{LAB_HOST}/")


def test_secure_over_http_explains_the_localhost_simplification():
    reason = refusal_to_send(
        CookieFacts("a", secure=True), RequestFacts("http://127.0.0.1:8000/"), time.time()
    )
    assert "localhost" in reason and "real site" in reason
