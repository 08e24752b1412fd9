"""A session store in Redis, shared by every server process and machine that reaches it.

Built on redis-py: one blocking connection pool per store, explicit connect and read
timeouts, and a few quick retries when a connection breaks. Each session is a hash
(``session-lab:session:<id>`` with ``data``, ``created``, ``last_seen``, ``expires``), readable
with ``redis-cli HGETALL``; its TTL is the session's expiry plus a short grace, so Redis itself
removes what no server purges, and the servers still see a session expire and say so.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import redis
from flask.json.tag import TaggedJSONSerializer
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from server.records import SessionRecord, checked_record
from server.store_start import StoreStartError
from server.stores import SessionStore, StoreUnavailable

_serializer = TaggedJSONSerializer()

CONNECT_TIMEOUT = 2.0  # seconds to open a connection: a dead host must not hang a request long
READ_TIMEOUT = 2.0  # seconds to wait for a reply
RETRIES = 2  # after a broken connection (Redis restarted, say), with a short backoff
MAX_CONNECTIONS = 32  # per process; a request waits up to CONNECT_TIMEOUT for a free one
#: Seconds a key outlives its session's expiry, so a server still finds it expired (and says
#: so) rather than finding nothing; after that Redis deletes it by itself.
EXPIRY_GRACE = 300.0
SCAN_BATCH = 500

# Update only a session that still exists: a request finishing after a concurrent logout must
# not bring the deleted session back. KEYS[1] the key; ARGV: data, created, last_seen, expires,
# ttl in ms. One script runs at a time in Redis, so the check and the write are one step.
_UPDATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'created', ARGV[2], 'last_seen', ARGV[3],
           'expires', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""

# Delete the keys whose session has expired by ARGV[1] and return them, as flat HGETALL lists.
# The check is inside the script: a session refreshed since it was listed is kept.
_PURGE = """
local gone = {}
for _, key in ipairs(KEYS) do
  local expires = nil
  if redis.call('TYPE', key).ok == 'hash' then expires = redis.call('HGET', key, 'expires') end
  if expires and tonumber(expires) <= tonumber(ARGV[1]) then
    local fields = redis.call('HGETALL', key)
    redis.call('DEL', key)
    table.insert(fields, 1, key)
    table.insert(gone, fields)
  end
end
return gone
"""


class RedisStartError(StoreStartError):
    """The Redis URL is malformed or Redis cannot be reached at start-up; the message says which."""


def redacted_url(url: str) -> str:
    """Return ``url`` without its password, for messages and the window."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = f"{parts.username}:" if parts.username else ":"
        host = parts.hostname or ""
        netloc = f"{user}***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "(an unreadable URL)"


def reachable(url: str, timeout: float = 0.3) -> bool:
    """Tell whether a Redis answers PING at ``url`` within ``timeout`` seconds."""
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=None
        )
    except ValueError:
        return False
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def connect(url: str) -> redis.Redis:
    """Return a client on its own connection pool for ``url``; raise :class:`RedisStartError`."""
    try:
        scheme = urlsplit(url).scheme
    except ValueError as error:
        raise RedisStartError(f"{redacted_url(url)} is not a usable Redis URL: {error}") from error
    if scheme not in ("redis", "rediss", "unix"):
        raise RedisStartError(
            f"{redacted_url(url)} is not a Redis URL (write redis://HOST:PORT/DB, e.g. "
            "redis://localhost:6379/0)"
        )
    try:
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=MAX_CONNECTIONS,
            timeout=CONNECT_TIMEOUT,
            socket_connect_timeout=CONNECT_TIMEOUT,
            socket_timeout=READ_TIMEOUT,
            retry=Retry(ExponentialBackoff(cap=0.25, base=0.02), RETRIES),
            health_check_interval=30,
            decode_responses=True,
        )
    except ValueError as error:
        raise RedisStartError(f"{redacted_url(url)} is not a usable Redis URL: {error}") from error
    return redis.Redis(connection_pool=pool)


class RedisStore(SessionStore):
    """Sessions as Redis hashes, one per session, with the session's expiry as their TTL.

    Every server process opens its own store on the same URL; Redis runs each command (and each
    script or transaction) alone, which makes rotation and the no-resurrection update atomic
    across processes. ``clock`` gives the time TTLs are measured from (tests pass a fixed one).
    Raises :class:`RedisStartError` when Redis does not answer at start-up, unless
    ``require_answer`` is false: then the store opens anyway, says why in
    :attr:`start_failure`, and each operation fails with :class:`StoreUnavailable` until Redis
    answers (as when Redis goes away mid-run).
    """

    def __init__(
        self,
        url: str,
        prefix: str = "session-lab:",
        clock: Callable[[], float] = time.time,
        grace: float = EXPIRY_GRACE,
        require_answer: bool = True,
    ) -> None:
        self.url = url
        self._closed = False
        self.description = f"Redis at {redacted_url(url)}"
        self.prefix = prefix
        self._clock = clock
        self._grace = grace
        self.client = connect(url)
        try:
            self.client.ping()
        except redis.RedisError as error:
            self.start_failure = f"cannot reach Redis at {redacted_url(url)}: {error}"
            if require_answer:
                self.client.close()
                raise RedisStartError(self.start_failure) from error
        self._update = self.client.register_script(_UPDATE)
        self._purge = self.client.register_script(_PURGE)

    def key(self, sid: str) -> str:
        """Return the Redis key of session ``sid``."""
        return f"{self.prefix}session:{sid}"

    def _sid(self, key: str) -> str:
        return key[len(self.key("")) :]

    @contextmanager
    def _using(self, doing: str) -> Iterator[None]:
        try:
            yield
        except redis.RedisError as error:
            raise StoreUnavailable(f"cannot {doing} {self.description}: {error}") from error

    def _ttl_ms(self, record: SessionRecord) -> int:
        return max(1, math.ceil((record.expires - self._clock() + self._grace) * 1000))

    @staticmethod
    def _fields(record: SessionRecord) -> dict[str, str]:
        return {
            "data": _serializer.dumps(record.data),
            "created": repr(record.created),
            "last_seen": repr(record.last_seen),
            "expires": repr(record.expires),
        }

    def _record(self, key: str, fields: dict[str, str]) -> SessionRecord | None:
        # A hash someone edited by hand may be unreadable: it is skipped, never a crash.
        try:
            return checked_record(
                self._sid(key), _serializer.loads(fields["data"]), fields["created"],
                fields["last_seen"], fields["expires"],
            )  # fmt: skip
        except (KeyError, TypeError, ValueError):
            return None

    def load(self, sid: str) -> SessionRecord | None:
        """Return the record stored under ``sid``, or None."""
        key = self.key(sid)
        with self._using("read"):
            try:
                fields = self.client.hgetall(key)
            except redis.ResponseError:  # not a hash: not one of our sessions
                return None
        return self._record(key, fields) if fields else None

    def save(self, record: SessionRecord, *, create: bool) -> bool:
        """Insert or update one hash; an update of a deleted session changes nothing."""
        key, fields, ttl = self.key(record.sid), self._fields(record), self._ttl_ms(record)
        with self._using("write"):
            if not create:
                args = [fields["data"], fields["created"], fields["last_seen"], fields["expires"]]
                return self._update(keys=[key], args=[*args, ttl]) == 1
            with self.client.pipeline(transaction=True) as pipe:
                pipe.delete(key).hset(key, mapping=fields).pexpire(key, ttl).execute()
        return True

    def delete(self, sid: str) -> SessionRecord | None:
        """Remove the hash and return its record, or None when there was none."""
        key = self.key(sid)
        with self._using("write"), self.client.pipeline(transaction=True) as pipe:
            fields, deleted = pipe.hgetall(key).delete(key).execute()
        if not deleted:
            return None
        return self._record(key, fields) or SessionRecord(sid=sid)

    def rotate(self, old_sid: str, record: SessionRecord) -> bool:
        """Replace ``old_sid`` by ``record`` in one transaction: nobody sees both or neither."""
        key = self.key(record.sid)
        with self._using("write"), self.client.pipeline(transaction=True) as pipe:
            pipe.delete(self.key(old_sid)).delete(key).hset(key, mapping=self._fields(record))
            existed, *_ = pipe.pexpire(key, self._ttl_ms(record)).execute()
        return existed == 1

    def keys(self) -> Iterator[str]:
        """Yield every session key, with SCAN (never KEYS, which blocks Redis while it runs)."""
        with self._using("list"):
            yield from self.client.scan_iter(match=self.key("*"), count=SCAN_BATCH)

    def records(self) -> list[SessionRecord]:
        """Return every session, oldest first (one SCAN, then the hashes in pipelined batches)."""
        keys = list(self.keys())
        found: list[SessionRecord] = []
        with self._using("read"):
            for start in range(0, len(keys), SCAN_BATCH):
                batch = keys[start : start + SCAN_BATCH]
                with self.client.pipeline(transaction=False) as pipe:
                    for key in batch:
                        pipe.hgetall(key)
                    # A key of another type under our prefix is skipped, like an unreadable hash.
                    replies = pipe.execute(raise_on_error=False)
                found.extend(
                    record
                    for key, fields in zip(batch, replies, strict=True)
                    if isinstance(fields, dict) and fields and (record := self._record(key, fields))
                )
        return sorted(found, key=lambda r: r.created)

    def purge_expired(self, now: float) -> list[SessionRecord]:
        """Delete and return every expired session, checked and deleted inside Redis."""
        purged: list[SessionRecord] = []
        try:
            keys = list(self.keys())
            with self._using("purge"):
                for start in range(0, len(keys), SCAN_BATCH):
                    if self._closed:
                        break
                    batch = keys[start : start + SCAN_BATCH]
                    for key, *flat in self._purge(keys=batch, args=[now]):
                        fields = dict(zip(flat[::2], flat[1::2], strict=True))
                        record = self._record(key, fields) or SessionRecord(sid=self._sid(key))
                        purged.append(record)
        except Exception:
            # The purge runs on a thread of its own; a server that stops closes the pool under
            # it (redis-py then fails in its own ways): nothing is left to clean.
            if self._closed:
                return purged
            raise
        return purged

    def close(self) -> None:
        """Close the pool's connections."""
        self._closed = True
        with contextlib.suppress(redis.RedisError):
            self.client.close()
            self.client.connection_pool.disconnect()
