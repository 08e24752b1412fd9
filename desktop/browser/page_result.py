"""Where a navigation of the lab's browser ended, how it reports each hop, and why it stopped.

Plain Python, no Qt: the browser's Qt side imports these without the HTTP client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.browser.exchange import CookieRow, Exchange
from desktop.browser.page_parser import PageInfo

ExchangeCallback = Callable[[Exchange], None]


class NavigationError(Exception):
    """A navigation could not complete (a redirect loop, a foreign URL, no CSRF token)."""


@dataclass(frozen=True)
class PageResult:
    """Where a navigation ended: the final page, its parsed contents and every hop."""

    url: str
    status: int
    html: str
    info: PageInfo
    exchanges: tuple[Exchange, ...] = field(default_factory=tuple)
    jar: tuple[CookieRow, ...] = field(default_factory=tuple)
