"""Tell screen readers what changed: Qt's announcement event where this Qt has one."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QWidget


def _post(event: QAccessibleEvent) -> None:
    QAccessible.updateAccessibility(event)


def announce(widget: QWidget, text: str) -> bool:
    """Have screen readers read ``text`` politely; return whether an announcement was sent.

    The text also becomes ``widget``'s accessible description, so a reader that moves to the
    widget later (or a Qt without announcements, before 6.8) still finds it there.
    """
    widget.setAccessibleDescription(text)
    announcement = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if announcement is None:
        _post(QAccessibleEvent(widget, QAccessible.Event.DescriptionChanged))
        return False
    event = announcement(widget, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
    _post(event)
    return True
