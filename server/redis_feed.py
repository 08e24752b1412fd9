"""Session events over Redis pub/sub: every server publishes them, a watcher subscribes.

Each server process publishes its session events (created, changed, rotated, expired, deleted)
as JSON on the channel ``<prefix>events`` (``session-lab:events``), so a watcher sees every
worker's changes, on this machine or another; ``redis-cli SUBSCRIBE session-lab:events`` shows
them too. Pub/sub keeps nothing: a watcher that was away reads a fresh snapshot (SCAN) instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time

import redis
from flask import Flask

from server.change_feed import ChangeFeed, decode, encode
from server.config import DEFAULTS
from server.events import ALL_SIGNALS
from server.records import SessionEvent, SessionRecord
from server.redis_store import RedisStore
from server.stores import StoreUnavailable

log = logging.getLogger(__name__)

MAX_BATCH = 1000  # messages read per call of changes(): a busy class never starves the caller


def channel(prefix: str) -> str:
    """Return the channel the servers using key ``prefix`` publish on."""
    return f"{prefix}events"


class RedisPublisher:
    """Publishes one app's session events on its store's channel (a blinker receiver)."""

    def __init__(self, store: RedisStore) -> None:
        self.client = store.client
        self.channel = channel(store.prefix)
        self._host = socket.gethostname()

    def publish(self, sender: object, event: SessionEvent) -> None:
        """Send ``event`` to whoever subscribes; a failure never fails the request."""
        try:
            # The pid is read now: a server that forks after create_app publishes as the worker.
            self.client.publish(self.channel, encode(event, f"{self._host}:{os.getpid()}"))
        except redis.RedisError as error:
            # The write itself has just worked; if Redis went since, the next one says so.
            log.debug("could not publish a session event: %s", error)


def init_app(app: Flask, store: RedisStore) -> None:
    """Publish every session event of ``app`` on ``store``'s channel."""
    publisher = RedisPublisher(store)
    app.extensions["session_lab_publisher"] = publisher  # lives as long as the app
    for signal in ALL_SIGNALS.values():
        signal.connect(publisher.publish, sender=app)


class RedisFeed(ChangeFeed):
    """The sessions under ``prefix`` in the Redis at ``url``, and their events as published.

    Reads only (SCAN, HGETALL, SUBSCRIBE): a Redis user allowed nothing more can watch.
    Raises :class:`~server.redis_store.RedisStartError` when Redis does not answer.
    """

    def __init__(self, url: str, prefix: str = "session-lab:") -> None:
        # The store's pool, timeouts and SCAN listing; none of its writing methods is called.
        self._store = RedisStore(url, prefix=prefix)
        self.description = self._store.description
        if prefix != DEFAULTS["REDIS_KEY_PREFIX"]:
            self.description += f" (keys {prefix}*)"
        self._pubsub: redis.client.PubSub | None = None

    def snapshot(self) -> list[SessionRecord]:
        """Subscribe (again), then list every session: nothing published meanwhile is missed."""
        self._unsubscribe()
        try:
            self._pubsub = self._store.client.pubsub(ignore_subscribe_messages=True)
            self._pubsub.subscribe(channel(self._store.prefix))
        except redis.RedisError as error:
            self._unsubscribe()
            raise StoreUnavailable(f"cannot subscribe to {self.description}: {error}") from error
        return self._store.records()

    def changes(self, timeout: float) -> list[SessionEvent]:
        """Wait up to ``timeout`` for published events; return those waiting, oldest first."""
        if self._pubsub is None:
            raise StoreUnavailable(f"not subscribed to {self.description}")
        events: list[SessionEvent] = []
        deadline = time.monotonic() + timeout
        try:
            while len(events) < MAX_BATCH:
                # Wait for the first event only; then take what is already there.
                wait = 0.0 if events else max(0.0, deadline - time.monotonic())
                message = self._pubsub.get_message(timeout=wait)
                if message is None:  # none in time, or a subscription's confirmation
                    if events or time.monotonic() >= deadline:
                        break
                    continue
                if message["type"] == "message" and (event := decode(message["data"])):
                    events.append(event)
        except (redis.RedisError, OSError) as error:
            self._unsubscribe()
            raise StoreUnavailable(f"lost {self.description}: {error}") from error
        return events

    def _unsubscribe(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                self._pubsub.close()
            self._pubsub = None

    def close(self) -> None:
        """Stop listening and close the connections."""
        self._unsubscribe()
        self._store.close()
