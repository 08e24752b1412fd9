"""Show text a student typed as text: Qt renders anything that looks like HTML as HTML."""

from __future__ import annotations

from PySide6.QtGui import Qt


def plain_tooltip(text: str) -> str:
    """Return ``text`` as a tooltip that shows it literally (tags, entities and all)."""
    # A tooltip is rich text whenever Qt guesses it might be: "<b>" would turn bold, and an
    # <img> would be loaded. Such text is escaped into a paragraph, so it shows as typed;
    # text Qt would show as plain anyway is left as it is.
    if not Qt.mightBeRichText(text):
        return text
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
