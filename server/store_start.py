"""The error a store raises when it cannot start, importable without the store's client library."""

from __future__ import annotations


class StoreStartError(RuntimeError):
    """A store cannot start (a malformed URL, a server that does not answer); says why in one line.

    The desktop lab falls back to its default store with a notice; ``python -m server`` exits 1.
    """
