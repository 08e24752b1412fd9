"""Hands the server's remember-token changes (sent on Flask's request threads) to the GUI."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from server.remember_me import TokenChange, remember_changed


class RememberBridge(QObject):
    """Re-emits :data:`server.remember_me.remember_changed` of one app as :attr:`changed`.

    The receiver only emits; Qt queues the emission onto this object's (the GUI) thread.
    """

    changed = Signal(object)  # TokenChange

    def __init__(self, app, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        remember_changed.connect(self._receive, sender=app, weak=False)

    def _receive(self, sender, change: TokenChange) -> None:
        self.changed.emit(change)

    def disconnect_app(self) -> None:
        """Stop listening to the app."""
        remember_changed.disconnect(self._receive, sender=self._app)
