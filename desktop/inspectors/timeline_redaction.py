"""Hide a timeline's secrets in the diagram and the handout, as the HAR export hides them.

Plain Python, no Qt. The labels are the HAR export's (``[session id 1]``, ``[password 1]``…),
found the same way, so a class sees the same names in the HAR file, on the slide and in the
handout.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from desktop.inspectors.har_export import har_from_entries
from desktop.inspectors.har_redaction import (
    PASSWORD_FIELDS,
    TOKEN_FIELDS,
    hide_in_text,
    long_secrets,
    secret_labels,
)
from desktop.inspectors.sequence_text import Naming

if TYPE_CHECKING:
    from desktop.inspectors.timeline_entry import TrafficEntry


class RedactedNaming(Naming):
    """Writes every password, cookie value, CSRF token and session id as its label."""

    def __init__(self, entries: Sequence[TrafficEntry]) -> None:
        self.labels = secret_labels(har_from_entries(entries, creator_version=""))
        self._long = long_secrets(self.labels)

    def value(self, value: str) -> str:
        """The value's label, or the value if it is no secret."""
        return self.labels.get(value) or hide_in_text(value, self._long)

    def field(self, name: str, value: str) -> str:
        """A form field's value: passwords and tokens are hidden even when not labelled."""
        if name in PASSWORD_FIELDS | TOKEN_FIELDS and value not in self.labels:
            return "[hidden]"
        return self.value(value)

    def text(self, text: str) -> str:
        """Free text with its long secrets, and the short ids that name them, replaced."""
        return hide_in_text(text, self._long)


def naming_for(entries: Sequence[TrafficEntry], hide_secrets: bool) -> Naming:
    """The naming of an export: labels when hiding secrets, else what the screen shows."""
    return RedactedNaming(entries) if hide_secrets else Naming()
