"""Reading, guessing and forging Flask's signed session cookies, against the real server."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest
from helpers import SECURED, loads_qt

from desktop.inspectors.cookie_forensics import (
    WEAK_KEYS,
    decode_cookie_payload,
    forge_cookie,
    guess_secret_key,
    key_space_sentence,
)

PROJECT = Path(__file__).resolve().parents[3]

WEAK = {"SESSION_STORE": "cookie", "SECRET_KEY": "changeme"}
GENERATED = {"SESSION_STORE": "cookie"}  # the server makes its own key, secrets.token_hex(32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


GARBAGE = [
    pytest.param("", id="empty"),
    pytest.param(".", id="dot"),
    pytest.param("..", id="dots"),
    pytest.param("not-a-cookie", id="word"),
    pytest.param("a.b.c", id="three-words"),
    pytest.param("a.b.c.d", id="four-parts"),
    pytest.param("3f9a2c41d0b8e7f6a5b4c3d2e1f0a9b8", id="server-side-id"),
    pytest.param(_b64(b"not json") + ".ZzZz.sig", id="not-json"),
    pytest.param(_b64(b"[1, 2]") + ".ZzZz.sig", id="json-list"),
    pytest.param(_b64(b'{"a": "\xff"}') + ".ZzZz.sig", id="not-utf8"),
    pytest.param(_b64(b'{"u": {" u": "not-a-uuid"}}') + ".ZzZz.sig", id="bad-uuid-tag"),
    pytest.param(_b64(b'{"t": {" t": 5}}') + ".ZzZz.sig", id="bad-tuple-tag"),
    pytest.param(_b64(b"[" * 100_000) + ".ZzZz.sig", id="deep-nesting"),
    pytest.param("." + _b64(b"not zlib") + ".ZzZz.sig", id="bad-zlib"),
    pytest.param(
        "." + _b64(zlib.compress(b'{"a": "' + b"x" * 10_000_000 + b'"}')) + ".ZzZz.sig",
        id="zip-bomb",
    ),
    pytest.param("ünïcödé.ö.ü", id="non-ascii"),
    pytest.param("\x00\x01\x02", id="control-bytes"),
]


@pytest.mark.parametrize(
    ("app_config", "userid"),
    [(WEAK, "alice"), (GENERATED, "bob")],
    indirect=["app_config"],
    ids=["weak-key", "generated-key"],
)
def test_anyone_can_read_the_cookie(actions, userid):
    actions.login(userid)
    data = decode_cookie_payload(actions.session_cookie())
    # Login starts the session afresh, so the cookie holds exactly what the view stored.
    assert data == {"userid": userid}


@pytest.mark.parametrize(
    "data",
    [{"userid": "alice"}, {"userid": "alice", "notes": "x" * 2000}],
    ids=["plain", "compressed"],
)
def test_forged_cookie_decodes_back(data):
    cookie = forge_cookie("changeme", data)
    # itsdangerous compresses a payload when that makes it shorter, and marks it with a dot.
    assert cookie.startswith(".") == ("notes" in data)
    assert decode_cookie_payload(cookie) == data


@pytest.mark.parametrize("app_config", [WEAK], indirect=True)
def test_guess_finds_a_weak_key(actions):
    actions.login("alice")
    guess = guess_secret_key(actions.session_cookie())
    assert guess.key == "changeme"
    assert guess.tried == WEAK_KEYS.index("changeme") + 1


@pytest.mark.parametrize("app_config", [WEAK], indirect=True)
@pytest.mark.parametrize(
    ("key", "page_says"),
    [
        ("changeme", "Welcome USER: mallory !"),
        ("not-the-servers-key", "You are not logged in"),
    ],
    ids=["guessed-key", "wrong-key"],
)
def test_forged_cookie_logs_in_only_with_the_servers_key(app, key, page_says):
    attacker = app.test_client()  # never logged in
    attacker.set_cookie("sessionid", forge_cookie(key, {"userid": "mallory"}))
    assert page_says in attacker.get(SECURED).text


@pytest.mark.parametrize("app_config", [GENERATED], indirect=True)
def test_generated_key_is_not_in_the_word_list(app, actions):
    actions.login("alice")
    assert len(app.secret_key) == 64
    guess = guess_secret_key(actions.session_cookie())
    assert guess.key is None
    assert guess.tried == len(WEAK_KEYS)


def test_guess_counts_only_what_it_tried():
    cookie = forge_cookie("s3cr3t", {"userid": "alice"})
    assert guess_secret_key(cookie, ["one", "two"]).tried == 2
    assert guess_secret_key(cookie, iter(["one", "s3cr3t", "never-reached"])).tried == 2


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_is_no_session_and_never_raises(value):
    assert decode_cookie_payload(value) is None
    assert guess_secret_key(value).key is None


def test_the_word_list_is_short_and_has_the_usual_suspects():
    assert 30 <= len(WEAK_KEYS) <= 50
    assert len(set(WEAK_KEYS)) == len(WEAK_KEYS)
    assert {"secret", "dev", "changeme", "password", "flask", "development"} <= set(WEAK_KEYS)


@pytest.mark.parametrize(
    ("hex_digits", "fragments"),
    [
        (64, ["256 bits", "2^256 ≈ 1.2×10^77", "1.8×10^60 years", "1.3×10^50 times the age"]),
        (32, ["128 bits", "2^128 ≈ 3.4×10^38", "5.4×10^21 years"]),
        (16, ["64 bits", "2^64 ≈ 1.8×10^19", "292 years"]),
        (8, ["32 bits", "2^32 ≈ 4.3×10^9", "2 seconds"]),
        (2, ["2^8 = 256 possible keys", "less than a second"]),
    ],
)
def test_key_space_sentence_does_the_arithmetic(hex_digits, fragments):
    sentence = key_space_sentence(hex_digits)
    for fragment in fragments:
        assert fragment in sentence
    assert ("age of the universe" in sentence) == (hex_digits >= 32)


def test_key_space_sentence_defaults_to_the_generated_key():
    assert key_space_sentence() == key_space_sentence(64)
    with pytest.raises(ValueError):
        key_space_sentence(-1)


def test_decoding_needs_no_key():
    payload = _b64(json.dumps({"userid": "eve"}).encode())
    assert decode_cookie_payload(f"{payload}.AAAA.forged-signature") == {"userid": "eve"}


def test_importing_forensics_loads_no_qt():
    assert not loads_qt("desktop.inspectors.cookie_forensics")
