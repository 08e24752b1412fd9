"""A table delegate that elides its column's text in the middle: ids keep both of their ends."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem


class MiddleElideDelegate(QStyledItemDelegate):
    """Draws ``3f9a…x8Yz`` where a long id does not fit (the view's mode elides the rest)."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Elide in the middle."""
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle
