"""The timeline as a sequence diagram, as plain data: lanes, and lines of arrows and notes.

Plain Python, no Qt: the live view, the SVG writer and the handout all draw this. Each hop (one
row of the timeline) becomes a few lines, top to bottom in the order things happened: the
arrow "METHOD path → status" from the browser's lane to the server's (or the other site's),
the cookies sent and held back, the store's changes as arrows to the store's lane, and the
``Set-Cookie`` headers with their attributes. Values go through a :class:`Naming`, so the
screen shows short ids and an export shows redaction labels.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from desktop.inspectors.narration import answered_by
from desktop.inspectors.sequence_text import Naming, form_text, set_cookie_text, store_text

if TYPE_CHECKING:  # the entry is plain data; imported for its name only
    from desktop.inspectors.timeline_entry import TrafficEntry

OTHER_SITE, SERVER, STORE, BALANCER = "other_site", "server", "store", "balancer"


@dataclass(frozen=True)
class Lane:
    """A vertical lane: a browser, the other site's page, the load balancer, a server or the
    session store."""

    key: str
    title: str


@dataclass(frozen=True)
class Line:
    """One line of the diagram: an arrow from ``source`` to ``target``, or a note (no target).

    ``kind`` is ``hop``, ``initiated`` (another site's page starts the request), ``forward``
    (the load balancer passes it to a lab server), ``store``,
    ``cookie``, ``withheld``, ``form`` or ``set_cookie``; ``tone`` is info, warning or error.
    """

    kind: str
    text: str
    source: str
    target: str | None = None
    tone: str = "info"

    @property
    def is_arrow(self) -> bool:
        """Whether the line is an arrow between two lanes."""
        return self.target is not None

    @property
    def label_at_end(self) -> bool:
        """Whether the label ends at the arrow's head (the store's: the rightmost lane, so
        its text runs left over the empty lanes rather than out of the picture)."""
        return self.kind == "store"


@dataclass(frozen=True)
class Hop:
    """The lines of one timeline row, and where they start in the whole diagram."""

    row: int
    number: int
    browser: str
    lines: tuple[Line, ...]
    first_line: int
    sentence: str
    #: The hop (index) whose redirect this one follows, if it does.
    redirect_from: int | None = None

    @property
    def arrow_line(self) -> int:
        """The diagram line of the hop's own arrow."""
        kinds = [line.kind for line in self.lines]
        return self.first_line + kinds.index("hop")


class SequenceLayout:
    """The diagram of a timeline, grown one entry at a time (the live view appends as hops come).

    ``server_host`` is the lab server's host; a hop to any other host goes to the other site's
    lane, which sits left of the browsers.
    """

    def __init__(self, naming: Naming | None = None, server_host: str = "127.0.0.1") -> None:
        self.naming = naming or Naming()
        self.server_host = server_host
        self.clear()

    def clear(self) -> None:
        """Forget every hop."""
        self.hops: list[Hop] = []
        self.line_count = 0
        self._browsers: list[str] = []
        self._other_site: str | None = None
        #: The lab servers behind the load balancer that answered, and whether a hop went to
        #: the lab's server directly (the Server lane).
        self._servers: set[str] = set()
        self._balanced = False
        self._direct = False
        self._starts: list[int] = []
        #: Per browser: the last hop's index and where its redirect pointed (or None).
        self._last: dict[str, tuple[int, str | None]] = {}
        self.widest = 0  # characters of the longest line's text
        #: Which browser each cookie value was set in, to show one sent from another browser.
        self._set_in: dict[str, str] = {}

    @property
    def lanes(self) -> list[Lane]:
        """The lanes, left to right: the other site (once used), browsers, the load balancer
        and its servers (once used), the server, the store."""
        lanes = []
        if self._other_site is not None:
            lanes.append(Lane(OTHER_SITE, "Other site"))
        lanes += [Lane(f"browser:{name}", name) for name in self._browsers]
        if self._balanced:
            lanes.append(Lane(BALANCER, "Load balancer"))
            lanes += [Lane(f"server:{name}", f"Server {name}") for name in sorted(self._servers)]
        if self._direct or not self._balanced:
            lanes.append(Lane(SERVER, "Server"))
        return [*lanes, Lane(STORE, "Session store")]

    def lane_index(self) -> dict[str, int]:
        """Each lane's position, by key."""
        return {lane.key: number for number, lane in enumerate(self.lanes)}

    def extend(self, entries: Iterable[TrafficEntry]) -> None:
        """Add entries in timeline order."""
        for entry in entries:
            self.add(entry)

    def add(self, entry: TrafficEntry) -> Hop:
        """Add the next timeline entry; return its hop."""
        exchange, naming = entry.exchange, self.naming
        if entry.browser not in self._browsers:
            self._browsers.append(entry.browser)
        browser = f"browser:{entry.browser}"
        parts = urlsplit(exchange.url)
        target, where = SERVER, exchange.path
        if parts.hostname != self.server_host:  # named by its host too, as the table does
            target, where = OTHER_SITE, f"{parts.netloc}{exchange.path}"
            self._other_site = self._other_site or parts.netloc
        balanced, answered = answered_by(exchange)
        server = SERVER
        if target == SERVER and balanced:
            target, self._balanced = BALANCER, True
            if answered is not None:
                server = f"server:{answered}"
                self._servers.add(answered)
        elif target == SERVER:
            self._direct = True
        lines = []
        if exchange.initiator is not None:
            self._other_site = self._other_site or urlsplit(exchange.initiator).netloc
            lines.append(Line("initiated", "its page makes the browser send", OTHER_SITE, browser))
        status = f"{exchange.status} {exchange.reason}".strip()
        tone = "error" if exchange.status >= 400 else "info"
        lines.append(Line("hop", f"{exchange.method} {where} → {status}", browser, target, tone))
        if server != SERVER:
            lines.append(Line("forward", f"passed to server {answered}", BALANCER, server))
        if sent := exchange.cookies_sent:
            pairs = "; ".join(f"{k}={naming.value(v)}" for k, v in sent.items())
            # A stolen or planted cookie: set in another browser's jar, sent from this one.
            owners = {self._set_in.get(v, entry.browser) for v in sent.values()} - {entry.browser}
            note = f" (set in {', '.join(sorted(owners))}!)" if owners else ""
            tone = "warning" if owners else "info"
            lines.append(Line("cookie", f"Cookie: {pairs}{note}", browser, tone=tone))
        for held in exchange.cookies_withheld:
            text = f"Held back: {held.name} ({held.reason})"
            lines.append(Line("withheld", text, browser, tone="warning"))
        if (form := form_text(exchange, naming)) is not None:
            lines.append(Line("form", form, browser))
        for event in entry.events:
            tone = "warning" if event.kind == "expired" else "info"
            lines.append(Line("store", store_text(event, naming), server, STORE, tone))
        for cookie in exchange.cookies_set:
            self._set_in.setdefault(cookie.value, entry.browser)
            lines.append(Line("set_cookie", set_cookie_text(cookie, naming), browser))
        for refused in exchange.cookies_rejected:
            text = f"Refused: {refused.name} ({refused.reason})"
            lines.append(Line("withheld", text, browser, tone="warning"))
        redirect_from = None
        previous = self._last.get(entry.browser)
        if previous is not None and previous[1] == exchange.url:
            redirect_from = previous[0]
        location = exchange.location
        index = len(self.hops)
        self._last[entry.browser] = (index, urljoin(exchange.url, location) if location else None)
        hop = Hop(
            row=index,
            number=entry.number or index + 1,
            browser=entry.browser,
            lines=tuple(lines),
            first_line=self.line_count,
            sentence=naming.text(entry.sentence),
            redirect_from=redirect_from,
        )
        self.hops.append(hop)
        self._starts.append(self.line_count)
        self.line_count += len(lines)
        self.widest = max(self.widest, *(len(line.text) for line in lines))
        return hop

    def hop_at(self, line: int) -> int:
        """Return the index of the hop drawn on diagram ``line`` (-1 above the first)."""
        return bisect_right(self._starts, line) - 1

    def hops_between(self, first_line: int, last_line: int) -> range:
        """Return the indices of the hops with a line in ``first_line..last_line``."""
        if not self.hops:
            return range(0)
        start = max(0, self.hop_at(first_line))
        end = min(len(self.hops) - 1, self.hop_at(last_line))
        return range(start, end + 1)


def layout_of(entries: Iterable[TrafficEntry], naming: Naming | None = None) -> SequenceLayout:
    """Return the layout of a whole timeline."""
    layout = SequenceLayout(naming)
    layout.extend(entries)
    return layout
