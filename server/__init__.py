"""Session server: the Django sessions tutorial on Flask, with a real server-side session store.

Plain Flask; it never imports Qt. The desktop app embeds it with :mod:`server.runner`.
"""

from server.app import close_app, create_app, lab_state, purge_expired, snapshot

__all__ = ["close_app", "create_app", "lab_state", "purge_expired", "snapshot"]
