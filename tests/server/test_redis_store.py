"""The Redis store: TTLs, SCAN, a clear error at start, and 503s while Redis is away."""

from __future__ import annotations

import json
import time

import pytest
import redis
from helpers import LOGIN, SECURED, SessionActions, poll_until
from redis_server import free_port
from visitors import ClientTransport

from server import close_app, create_app, lab_state, snapshot
from server.__main__ import main
from server.events import store_failed, store_recovered
from server.records import SessionRecord
from server.redis_store import EXPIRY_GRACE, RedisStartError, RedisStore, redacted_url

WELCOME = "Welcome USER: alice !"


@pytest.fixture
def store(redis_url):
    """A Redis store on an empty Redis."""
    store = RedisStore(redis_url)
    yield store
    store.close()


def test_a_session_is_a_hash_students_can_read(store):
    now = time.time()
    store.save(SessionRecord("abc", {"userid": "Zoë"}, now, now, now + 60), create=True)
    fields = store.client.hgetall("session-lab:session:abc")
    assert json.loads(fields["data"]) == {"userid": "Zoë"}
    assert float(fields["expires"]) == pytest.approx(now + 60)


def test_the_ttl_carries_the_expiry_and_follows_an_update(store):
    now = time.time()
    record = SessionRecord("abc", {}, now, now, now + 60)
    store.save(record, create=True)
    ttl = store.client.pttl(store.key("abc")) / 1000
    assert 60 + EXPIRY_GRACE - 5 < ttl <= 60 + EXPIRY_GRACE
    # The idle rule moved the expiry later (a request came); the absolute rule caps it.
    store.save(SessionRecord("abc", {}, now, now + 30, now + 90), create=False)
    assert store.client.pttl(store.key("abc")) / 1000 > 60 + EXPIRY_GRACE


def test_redis_removes_an_expired_session_by_itself(redis_url):
    store = RedisStore(redis_url, grace=0.0)
    now = time.time()
    store.save(SessionRecord("soon", {}, now, now, now + 0.3), create=True)
    assert store.load("soon") is not None
    # Redis's own expiry, not ours: the key goes by itself.
    poll_until(lambda: not store.client.exists(store.key("soon")), 10, "Redis expired the key")
    assert store.load("soon") is None
    store.close()


def test_the_store_view_lists_with_scan_never_keys(store, monkeypatch):
    now = time.time()
    for n in range(1200):  # more than one SCAN batch
        store.client.hset(store.key(f"s{n:04}"), mapping=store._fields(
            SessionRecord(f"s{n:04}", {"n": n}, now + n, now + n, now + 3600)
        ))  # fmt: skip

    def forbidden(*args, **kwargs):
        raise AssertionError("KEYS blocks Redis while it walks every key")

    monkeypatch.setattr(store.client, "keys", forbidden)
    listed = store.records()
    assert [r.sid for r in listed] == [f"s{n:04}" for n in range(1200)]


def test_foreign_keys_under_the_prefix_are_skipped(store):
    now = time.time()
    store.save(SessionRecord("real", {}, now, now, now + 60), create=True)
    store.client.set(store.key("a-string"), "not a hash")
    store.client.hset(store.key("half"), "data", "{}")
    fields = {"data": "{}", "created": now, "last_seen": now, "expires": now + 600}
    store.client.hset(store.key("a-list"), mapping=fields | {"data": "[1]"})
    store.client.hset(store.key("forever"), mapping=fields | {"expires": "inf"})
    assert [r.sid for r in store.records()] == ["real"]
    assert store.load("a-string") is None
    assert store.purge_expired(now + 120)[0].sid == "real"


def test_a_password_never_shows(redis_url):
    assert redacted_url("redis://:hunter2@db.example:6380/1") == "redis://:***@db.example:6380/1"
    assert redacted_url("redis://me:hunter2@db/0") == "redis://me:***@db/0"
    assert "hunter2" not in str(RedisStore(redis_url).description)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://localhost:6379/0", "is not a Redis URL"),
        ("redis://localhost:notaport/0", "is not a usable Redis URL"),
        ("redis://[::1/0", "is not a usable Redis URL"),
        ("redis://:hunter2@127.0.0.1:{port}/0", "cannot reach Redis at redis://:***@127.0.0.1"),
    ],
)
def test_an_unusable_url_is_one_clear_error(url, says):
    with pytest.raises(RedisStartError) as caught:
        RedisStore(url.format(port=free_port()))
    assert says in str(caught.value)
    assert "hunter2" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_standalone_server_exits_with_one_line_when_redis_is_unreachable(capsys):
    url = f"redis://127.0.0.1:{free_port()}/0"
    assert main(["--port", "0", "--store", "redis", "--redis-url", url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: cannot reach Redis at ")


def test_redis_going_away_gives_503s_and_the_app_recovers(own_redis, tmp_path):
    app = create_app(
        {"SESSION_STORE": "redis", "REDIS_URL": own_redis.url, "DATA_DIR": tmp_path / "d"}
    )
    seen: list[str] = []
    store_failed.connect(lambda sender, message: seen.append("failed"), app, weak=False)
    store_recovered.connect(lambda sender: seen.append("recovered"), app, weak=False)
    alice = SessionActions(ClientTransport(app))
    assert alice.login("alice").status_code == 302
    assert WELCOME in alice.secured_page().text
    assert [r.data["userid"] for r in snapshot(app)] == ["alice"]

    own_redis.stop()
    for _ in range(3):
        page = alice.secured_page()
        assert page.status_code == 503
        assert "session store" in page.text.lower()
    assert ClientTransport(app).get(LOGIN).status_code == 503  # the form's token needs a session
    assert seen == ["failed"]  # said once, not per request

    own_redis.start()  # an empty Redis: alice's session went with the old one
    assert "You are not logged in" in alice.secured_page().text
    assert alice.login("alice").status_code == 302
    assert WELCOME in alice.secured_page().text
    assert seen == ["failed", "recovered"]
    close_app(app)


def test_gunicorn_style_start_reads_the_environment(redis_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_LAB_STORE", "redis")
    monkeypatch.setenv("SESSION_LAB_REDIS_URL", redis_url)
    monkeypatch.setenv("SESSION_LAB_DATA_DIR", str(tmp_path / "data"))
    app = create_app()
    assert lab_state(app).store_name == "redis"
    assert SessionActions(ClientTransport(app)).login("alice").status_code == 302
    assert redis.Redis.from_url(redis_url).dbsize() == 1
    close_app(app)


def test_an_explicit_configuration_ignores_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_LAB_STORE", "redis")
    app = create_app({"DATA_DIR": tmp_path / "data"})
    assert lab_state(app).store_name == "sqlite"
    close_app(app)


def test_secured_page_constant_is_the_tutorials():
    assert SECURED == "/app_sessions/secured_page/"


def test_from_the_environment_a_redis_down_at_start_gives_503s_until_it_answers(
    own_redis, tmp_path, monkeypatch, caplog
):
    own_redis.stop()
    monkeypatch.setenv("SESSION_LAB_STORE", "redis")
    monkeypatch.setenv("SESSION_LAB_REDIS_URL", own_redis.url)
    monkeypatch.setenv("SESSION_LAB_DATA_DIR", str(tmp_path / "data"))
    app = create_app()  # as gunicorn's workers do: up, though Redis does not answer
    client = app.test_client()
    assert [client.get(LOGIN).status_code for _ in range(3)] == [503] * 3
    assert caplog.text.count("the session store fails") == 1
    own_redis.start()
    SessionActions(ClientTransport(app)).login("alice")
    assert "the session store works again" in caplog.text
    close_app(app)
    with pytest.raises(RedisStartError, match="cannot reach Redis"):  # given a config: checked
        create_app({"SESSION_STORE": "redis", "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                    "DATA_DIR": tmp_path / "cli"})  # fmt: skip
