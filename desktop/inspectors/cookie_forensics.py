"""Look inside Flask's signed-cookie sessions: read the payload, guess a weak key, forge a cookie.

Plain Python, no Qt. Flask signs its session cookie with the app's secret key (itsdangerous,
HMAC-SHA1) but does not encrypt it: anyone can read the data, only a key holder can sign it. The
signing here is Flask's own, from :class:`~flask.sessions.SecureCookieSessionInterface`, so a
forged cookie is exactly what the server would have written.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode

#: Keys people really use: tutorials, framework defaults, placeholders left in config files.
WEAK_KEYS: tuple[str, ...] = (
    "secret",
    "secret-key",
    "secret_key",
    "secretkey",
    "mysecret",
    "my-secret",
    "mysecretkey",
    "supersecret",
    "topsecret",
    "s3cr3t",
    "dev",
    "development",
    "dev-key",
    "devkey",
    "changeme",
    "change-me",
    "change_me",
    "changethis",
    "password",
    "passw0rd",
    "flask",
    "flask-secret",
    "key",
    "test",
    "testing",
    "admin",
    "default",
    "example",
    "hello",
    "letmein",
    "session",
    "cookie",
    "123456",
    "12345678",
    "qwerty",
    "abc123",
    "your-secret-key",
    "your_secret_key",
    "you-will-never-guess",
    "super-secret-key",
)

#: Browsers keep a cookie under 4 KB; a payload that inflates far beyond that is not Flask's.
MAX_PAYLOAD_BYTES = 64 * 1024

GUESSES_PER_SECOND = 10**9
SECONDS_PER_YEAR = 31_557_600  # 365.25 days
UNIVERSE_AGE_YEARS = 13_800_000_000

_INTERFACE = SecureCookieSessionInterface()


@dataclass(frozen=True)
class KeyGuess:
    """The outcome of a word-list attack: the key that signs the cookie (or None) and the cost."""

    key: str | None
    tried: int


def _serializer(key: str) -> URLSafeTimedSerializer:
    # Flask builds its serializer from an app; a stand-in with the two attributes it reads will do.
    app = SimpleNamespace(secret_key=key, config={"SECRET_KEY_FALLBACKS": None})
    return _INTERFACE.get_signing_serializer(app)


def decode_cookie_payload(value: str) -> dict[str, Any] | None:
    """Read a Flask session cookie's data without the key; None when it is not one."""
    try:
        return _decode(value)
    except Exception:  # whatever is malformed (base64, zlib, JSON, tags) is "not a session"
        return None


def _decode(value: str) -> dict[str, Any] | None:
    # The format is [.]payload.timestamp.signature; a leading dot means zlib-compressed JSON.
    compressed = value.startswith(".")
    parts = value[1:].split(".") if compressed else value.split(".")
    if len(parts) != 3 or not parts[0]:
        return None
    raw = base64_decode(parts[0])
    if compressed:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(raw, MAX_PAYLOAD_BYTES)
        if inflater.unconsumed_tail:
            return None
    data = _INTERFACE.serializer.loads(raw.decode("utf-8"))
    return data if isinstance(data, dict) else None


def guess_secret_key(cookie_value: str, candidates: Iterable[str] = WEAK_KEYS) -> KeyGuess:
    """Try each candidate key against the cookie's signature; stop at the first that verifies."""
    tried = 0
    for key in candidates:
        tried += 1
        # Only the signature counts: the age of the cookie says nothing about the key.
        if _serializer(key).make_signer().validate(cookie_value):
            return KeyGuess(key, tried)
    return KeyGuess(None, tried)


def forge_cookie(key: str, data: dict[str, Any]) -> str:
    """Sign ``data`` with ``key`` as the server would, giving a session cookie's value."""
    return _serializer(key).dumps(data)


def _scientific(number: int) -> str:
    if number < 10_000:
        return f"{number:,}"
    mantissa, exponent = f"{Decimal(number):.1E}".split("E")
    return f"{mantissa}×10^{int(exponent)}"


def _duration(seconds: int) -> str:
    for unit, size in (("years", SECONDS_PER_YEAR), ("days", 86_400), ("hours", 3_600)):
        if seconds >= size:
            return f"{_scientific(seconds // size)} {unit}"
    if seconds >= 60:
        return f"{seconds // 60} minutes"
    return f"{seconds} seconds" if seconds else "less than a second"


def key_space_sentence(
    key_hex_len: int = 64, *, guesses_per_second: int = GUESSES_PER_SECOND
) -> str:
    """Say, with the arithmetic, why a random key of ``key_hex_len`` hex digits cannot be guessed.

    The default is the key the server generates, ``secrets.token_hex(32)``: 64 digits, 256 bits.
    Raises ValueError for a negative length or a non-positive guessing rate.
    """
    if key_hex_len < 0 or guesses_per_second <= 0:
        raise ValueError("the key length must be ≥ 0 and the guessing rate > 0")
    bits = 4 * key_hex_len
    keys = 2**bits
    # On average an attacker finds the key halfway through the key space.
    seconds = keys // 2 // guesses_per_second
    approx = "=" if keys < 10_000 else "≈"
    rate = (
        "a billion" if guesses_per_second == GUESSES_PER_SECOND else _scientific(guesses_per_second)
    )
    sentence = (
        f"A generated key of {key_hex_len} random hex digits is {bits} bits: "
        f"2^{bits} {approx} {_scientific(keys)} possible keys. At {rate} guesses a second, "
        f"finding it would take {_duration(seconds)} on average"
    )
    years = seconds // SECONDS_PER_YEAR
    if years >= UNIVERSE_AGE_YEARS:
        sentence += f", {_scientific(years // UNIVERSE_AGE_YEARS)} times the age of the universe"
    return sentence + "."
