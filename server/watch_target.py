"""What a user asks to watch (a Redis URL, a session database, a data directory), as a feed."""

from __future__ import annotations

from pathlib import Path

from server.change_feed import ChangeFeed, WatchError
from server.config import sqlite_path
from server.store_start import StoreStartError

REDIS_SCHEMES = ("redis", "rediss", "unix")


def open_feed(target: str) -> ChangeFeed:
    """Open a feed on ``target``: a Redis URL, a session database, or a server's data directory.

    Raises :class:`WatchError` saying what is wrong (a typo, not a session database, a damaged
    file, a Redis that does not answer). Opening Redis may take its connect timeout.
    """
    text = target.strip()
    if not text:
        raise WatchError(
            "Type a Redis URL (redis://localhost:6379/0), or choose a server's session database "
            "or data directory."
        )
    if "://" in text:
        if text.split("://", 1)[0].lower() not in REDIS_SCHEMES:
            raise WatchError(
                f"{text} is not a Redis URL (write redis://HOST:PORT/DB) nor a file or folder."
            )
        from server.redis_feed import RedisFeed  # only Redis needs redis-py loaded

        try:
            return RedisFeed(text)
        except StoreStartError as error:
            raise WatchError(str(error)) from error
    path = Path(text).expanduser()
    if path.is_dir():
        database = sqlite_path(path)
        if not database.is_file():
            raise WatchError(
                f"{path} holds no {database.name}: it is not the data directory of a Session Lab "
                "server with the sqlite store."
            )
        path = database
    from server.sqlite_feed import SqliteFeed

    return SqliteFeed(path)
