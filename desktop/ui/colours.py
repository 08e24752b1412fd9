"""Colours derived from the application's palette, so they stay readable in light and dark themes.

Nothing here is a fixed colour on a fixed background: a highlight is the palette's own
highlight mixed into its base, and the text on it stays the palette's text colour; severity
colours get lighter on dark backgrounds.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

SEVERITIES = ("info", "warning", "error")
#: The hue of each severity on a light background, and on a dark one.
_SEVERITY = {
    "info": (None, None),  # the palette's own text colour
    "warning": ("#8a5a00", "#ffc857"),
    "error": ("#b00020", "#ff8a80"),
}
#: Signs that say the severity without colour (for colour-blind readers and screen readers).
SEVERITY_SIGNS = {"info": "", "warning": "⚠ ", "error": "✖ "}


def palette() -> QPalette:
    """The application's palette (the theme in effect)."""
    return QApplication.palette()


def is_dark(pal: QPalette | None = None) -> bool:
    """Tell whether the palette draws light text on a dark base."""
    pal = pal or palette()
    return (
        pal.color(QPalette.ColorRole.Base).lightness()
        < pal.color(QPalette.ColorRole.Text).lightness()
    )


def mix(first: QColor, second: QColor, amount: float) -> QColor:
    """Return ``first`` with ``amount`` (0..1) of ``second`` mixed in."""
    keep = 1.0 - amount
    return QColor(
        round(first.red() * keep + second.red() * amount),
        round(first.green() * keep + second.green() * amount),
        round(first.blue() * keep + second.blue() * amount),
    )


def highlight_background(pal: QPalette | None = None, amount: float = 0.35) -> QColor:
    """A background that marks "this just changed" and keeps the palette's text readable."""
    pal = pal or palette()
    return mix(pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Highlight), amount)


def accent_background(pal: QPalette | None = None) -> QColor:
    """A quieter mark (this browser's own session row): a little green mixed into the base."""
    pal = pal or palette()
    green = QColor("#2e9d3a")
    return mix(pal.color(QPalette.ColorRole.Base), green, 0.22 if not is_dark(pal) else 0.3)


def severity_colour(level: str, pal: QPalette | None = None) -> QColor:
    """The text colour of a message of ``level`` (info, warning, error)."""
    pal = pal or palette()
    light, dark = _SEVERITY[level]
    if light is None:
        return pal.color(QPalette.ColorRole.WindowText)
    if pal.color(QPalette.ColorRole.Window).lightness() < 128:
        return QColor(dark)
    return QColor(light)


def css(colour: QColor) -> str:
    """Return ``#rrggbb`` for HTML and style sheets."""
    return colour.name(QColor.NameFormat.HexRgb)


def muted_text(pal: QPalette | None = None) -> QColor:
    """Secondary text: the palette's text halfway to its base, still readable."""
    pal = pal or palette()
    return mix(pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.Base), 0.35)


class _SeverityFollower(QObject):
    """Colours marked widgets again when their palette changes (a new theme reaches them)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange and isinstance(watched, QWidget):
            _colour(watched)
        return False


_follower: _SeverityFollower | None = None
_GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
_ROLES = (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text)


def _colour(widget: QWidget) -> None:
    colour = severity_colour(widget.property("severity") or "info")
    current = widget.palette()
    if all(current.color(g, r) == colour for g in _GROUPS for r in _ROLES):
        return  # already so (and no new palette: that would repaint, and come back here)
    # Only the text roles are the widget's own, so the rest of its palette follows the theme,
    # and a new theme reaches it as a palette change (a full palette of its own never would).
    own = QPalette()
    for group in _GROUPS:
        for role in _ROLES:
            own.setColor(group, role, colour)
    widget.setPalette(own)


def set_severity(widget: QWidget, level: str) -> None:
    """Colour ``widget``'s text for a severity (info, warning, error), following the theme.

    A palette rather than a style sheet: an application style sheet would stop presenter
    zoom (the application font) from reaching the widgets.
    """
    global _follower
    if _follower is None:
        _follower = _SeverityFollower(QApplication.instance())
    if widget.property("severity") is None:
        widget.installEventFilter(_follower)
    widget.setProperty("severity", level)
    _colour(widget)
