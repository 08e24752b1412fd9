"""Close the window on SIGTERM or Ctrl-C, which Qt's event loop would otherwise ignore."""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, Slot


class QuitOnSignals(QObject):
    """Wakes the event loop through a socket when a signal arrives, then calls ``on_signal``.

    Python runs signal handlers only between bytecodes; while Qt's loop sits in C++ nothing
    would run them. ``signal.set_wakeup_fd`` writes a byte we can watch with a notifier.
    """

    def __init__(self, on_signal: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous_handlers = {
            signum: signal.signal(signum, lambda *_: None)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._wake)

    @Slot()
    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._reader.recv(64)
        self._on_signal()

    def close(self) -> None:
        """Restore the previous handlers and close the sockets."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        self._reader.close()
        self._writer.close()
