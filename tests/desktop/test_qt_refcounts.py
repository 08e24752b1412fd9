"""Guard against a Qt binding that leaks away references to True and None (PySide6 6.12.0 on 3.11).

Such a binding aborts the app after a few thousand signals ("Fatal Python error: bool_dealloc").
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(object)


def test_emitting_signals_keeps_the_references_of_true_and_none(qapp):
    emitter = _Emitter()
    received = []
    emitter.happened.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for number in range(300):
        emitter.happened.emit(number)
    received.clear()
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert after[0] >= before[0] - 10, "the Qt binding leaks references to True"
    assert after[1] >= before[1] - 10, "the Qt binding leaks references to None"
