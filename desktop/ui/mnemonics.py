"""Keyboard mnemonics (the underlined letter of a menu item) that are unique within a menu."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QMenu


def mnemonic_of(text: str) -> str | None:
    """Return the lower-case letter after a single ``&`` in ``text``, or None."""
    index = 0
    while (index := text.find("&", index)) >= 0:
        following = text[index + 1 : index + 2]
        if following != "&":
            return following.lower() or None
        index += 2
    return None


def with_mnemonic(text: str, taken: set[str]) -> str:
    """Put ``&`` before the first letter or digit of ``text`` not in ``taken``; note it there.

    Text that already has a mnemonic keeps it. When every character is taken, the text is
    returned without one (better none than a shared one).
    """
    if (existing := mnemonic_of(text)) is not None:
        taken.add(existing)
        return text
    for index, char in enumerate(text):
        if char.isalnum() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{text[:index]}&{text[index:]}"
    return text


def menu_mnemonics(menu: QMenu) -> list[str | None]:
    """Return the mnemonic of each visible item of ``menu`` (None for items without one)."""
    return [
        mnemonic_of(action.text())
        for action in menu.actions()
        if not action.isSeparator() and action.isVisible()
    ]


def taken_by(texts: Iterable[str]) -> set[str]:
    """Return the mnemonics ``texts`` already use."""
    return {m for m in (mnemonic_of(t) for t in texts) if m is not None}
