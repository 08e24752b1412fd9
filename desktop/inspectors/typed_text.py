"""Text a student typed, with the characters that would rearrange what is shown made visible.

Shown as text, a user name cannot become HTML; but a right-to-left override (U+202E) in it
still turns "rtl‮nimda" into "rtladmin" on screen, and runs on through the rest of the cell;
and a line break ("/%0A" in a path) starts a new line where one is expected. Such formatting
and control characters are shown as the escapes JSON would write for them.
"""

from __future__ import annotations

import re

# Unicode's bidirectional formatting characters (marks, embeddings, overrides and isolates),
# control characters and the line and paragraph separators.
_FORMATTING = re.compile(
    "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x1f\x7f-\x9f\u2028\u2029]"
)


def shown_as_typed(text: str) -> str:
    """Return ``text`` with its bidirectional formatting and control characters as ``\\u202e``
    escapes."""
    return _FORMATTING.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
