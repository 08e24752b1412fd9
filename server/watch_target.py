"""What a user asks to watch (a Redis URL, a session database, a data directory), as a feed."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from server.change_feed import ChangeFeed, WatchError
from server.config import DEFAULTS, sqlite_path
from server.store_start import StoreStartError

REDIS_SCHEMES = ("redis", "rediss", "unix")


def open_feed(target: str) -> ChangeFeed:
    """Open a feed on ``target``: a Redis URL, a session database, or a server's data directory.

    A Redis URL may end in ``?prefix=KEYS`` for servers that use another key prefix.

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

        url, prefix = _without_prefix(text)
        try:
            return RedisFeed(url, prefix=prefix)
        except StoreStartError as error:
            raise WatchError(str(error)) from error
    if "\0" in text:
        raise WatchError("The name holds a NUL character, which no file name or URL can hold.")
    try:
        path = Path(text).expanduser()
    except RuntimeError as error:  # ~someone who has no account here
        raise WatchError(f"{text} cannot be read as a file name: {error}") from error
    try:
        if path.is_dir():
            database = sqlite_path(path)
            if not database.is_file():
                raise WatchError(
                    f"{path} holds no {database.name}: it is not the data directory of a Session "
                    "Lab server with the sqlite store."
                )
            path = database
        from server.sqlite_feed import SqliteFeed

        return SqliteFeed(path)
    except WatchError:
        raise
    except (OSError, ValueError, RuntimeError) as error:  # a name the system cannot use
        raise WatchError(f"Cannot open {path}: {error}.") from error


def _without_prefix(url: str) -> tuple[str, str]:
    """Split ``?prefix=lab2:`` (servers with SESSION_LAB_REDIS_KEY_PREFIX) off a Redis URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, DEFAULTS["REDIS_KEY_PREFIX"]  # redis-py says what is wrong with it
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefixes = [value for name, value in query if name == "prefix"]
    rest = urlencode([(name, value) for name, value in query if name != "prefix"])
    prefix = prefixes[-1] if prefixes and prefixes[-1] else DEFAULTS["REDIS_KEY_PREFIX"]
    return urlunsplit(parts._replace(query=rest)), prefix
