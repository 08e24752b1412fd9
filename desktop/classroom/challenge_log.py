"""What happened in the lab, as a challenge sees it: hops, store events and restarts (no Qt).

Challenges are judged from this record alone, never from which button was pressed: what the
browsers sent and got back, and what the server's store reported.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from desktop.browser.cookie_policy import site_of
from desktop.browser.exchange import Exchange
from server.paths import LOGIN_PATH, LOGOUT_PATH, SECURED_PATH
from server.records import SessionEvent

# Greedy up to the page's fixed tail: a name may itself contain " !, You have access".
_WELCOME = re.compile(r"Welcome USER: (.*) !, You have access to this Secure Page")
_LOGGED_OUT = re.compile(r"Successfully (.*?) Logged out !")


@dataclass(frozen=True)
class Hop:
    """One exchange of one browser, with the store events it caused."""

    browser: str
    exchange: Exchange
    events: tuple[SessionEvent, ...] = ()

    def cookie(self, name: str) -> str | None:
        """Return the value of cookie ``name`` the request carried."""
        return self.exchange.cookies_sent.get(name)

    @property
    def welcomed(self) -> str | None:
        """The user the secured page greeted, if this was that page and it did."""
        if self.exchange.path != SECURED_PATH or self.exchange.status != 200:
            return None
        match = _WELCOME.search(self.exchange.response_body)
        return html.unescape(match.group(1)) if match else None

    @property
    def logged_in_as(self) -> str | None:
        """The user a successful login form post named (a redirect answered it)."""
        if self.exchange.method != "POST" or self.exchange.path != LOGIN_PATH:
            return None
        if self.exchange.status not in (302, 303):
            return None
        userid = parse_qs(self.exchange.request_body).get("userid", [None])[0]
        return userid.strip() if userid is not None else None  # as the server's form does

    @property
    def logged_out(self) -> str | None:
        """The user the logout page said it logged out."""
        if self.exchange.path != LOGOUT_PATH:
            return None
        match = _LOGGED_OUT.search(self.exchange.response_body)
        return html.unescape(match.group(1)) if match else None

    @property
    def from_other_site(self) -> bool:
        """Whether a page on another site started this request."""
        initiator = self.exchange.initiator
        return initiator is not None and site_of(initiator) != site_of(self.exchange.url)


@dataclass(frozen=True)
class Restart:
    """The server was restarted (or its store switched): a new lab, with this store."""

    store: str


@dataclass(frozen=True)
class StoreChange:
    """A store event no exchange caused (a purge of expired sessions)."""

    event: SessionEvent


Entry = Hop | Restart | StoreChange


@dataclass
class ChallengeLog:
    """Everything observed since the challenge (re)started, in order."""

    cookie_name: str = "sessionid"
    entries: list[Entry] = field(default_factory=list)

    def add(self, entry: Entry) -> None:
        """Record one more observation."""
        self.entries.append(entry)

    def clear(self) -> None:
        """Forget everything (the challenge was reset)."""
        self.entries.clear()

    @property
    def hops(self) -> list[Hop]:
        """Every exchange, in order."""
        return [entry for entry in self.entries if isinstance(entry, Hop)]

    def hops_of(self, browser: str) -> list[Hop]:
        """The exchanges of one browser, in order."""
        return [hop for hop in self.hops if hop.browser == browser]

    def index(self, entry: Entry) -> int:
        """Return the position of ``entry`` (identity, not equality)."""
        return next(i for i, each in enumerate(self.entries) if each is entry)

    def before(self, entry: Entry) -> list[Entry]:
        """The entries recorded before ``entry``."""
        return self.entries[: self.index(entry)]

    def logins_before(self, entry: Entry, user: str | None = None) -> list[Hop]:
        """Successful logins (of ``user`` when given) in any browser before ``entry``."""
        return [
            hop
            for hop in self.before(entry)
            if isinstance(hop, Hop)
            and hop.logged_in_as is not None
            and (user is None or hop.logged_in_as == user)
        ]

    def issued_to(self, browser: str) -> set[str]:
        """Every session id the server gave ``browser`` in a Set-Cookie."""
        return {
            cookie.value
            for hop in self.hops_of(browser)
            for cookie in hop.exchange.cookies_set
            if cookie.name == self.cookie_name and not cookie.deletes
        }
