"""The server's remember-me tokens as a table: selector, user, hashed validator, uses, expiry."""

from __future__ import annotations

import time

from desktop.inspectors.models.plain_table_model import PlainTableModel
from server.remember_me import RememberToken


class RememberTokenModel(PlainTableModel):
    """One row per token; the validator itself is never known to the server, only its hash."""

    COLUMNS = ("Selector", "User", "Validator (SHA-256)", "Uses", "Expires in")

    def cells(self, item: RememberToken) -> tuple[str, ...]:
        """Return the text of each column."""
        days = max(0.0, item.expires - time.time()) / 86400
        return (
            item.selector,
            item.userid,
            item.validator_hash[:16] + "…",
            str(item.uses),
            f"{days:.1f} days",
        )

    def reset(self, tokens: list[RememberToken]) -> None:
        """Show these tokens."""
        self.beginResetModel()
        self._items = list(tokens)
        self.endResetModel()

    def tokens(self) -> list[RememberToken]:
        """The tokens shown."""
        return list(self._items)
