"""Who in the class uses which session: devices named by their browser, hijacks spotted (plain).

Fed with the server's :class:`~server.class_requests.RequestSeen` records (the window takes
them a few times a second). A device is an address and a User-Agent. A session that two
different devices (or two of the lab's own browsers) send within :data:`HIJACK_WINDOW`
seconds is being used by two browsers at once: a hijack, or a fixation that worked.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass

from desktop.inspectors.typed_text import shown_as_typed
from server.class_requests import RequestSeen
from server.user_agents import browser_name

HIJACK_WINDOW = 120.0
MAX_DEVICES = 2000  # a script inventing User-Agents cannot grow the roster without end
RECENT = 60.0  # seconds counted as "in the last minute"
PATH_SHOWN = 80  # characters of a request's path in the summary (its tooltip too)


@dataclass(frozen=True)
class Device:
    """One student's browser: where it connects from and what it calls itself."""

    address: str
    user_agent: str

    @property
    def label(self) -> str:
        """E.g. "Firefox on Android · 192.168.1.23"."""
        return f"{browser_name(self.user_agent)} · {self.address}"


@dataclass
class DeviceState:
    """What the lab knows of one device."""

    device: Device
    first_seen: float
    last_seen: float
    requests: int = 0
    #: The session id the device holds now (after its last answer), or None.
    sid: str | None = None


def request_text(seen: RequestSeen) -> str:
    """E.g. "GET /app_sessions/login/ → 200"; a student's made-up path as typed, cut short."""
    path = shown_as_typed(seen.path)
    if len(path) > PATH_SHOWN:
        path = path[: PATH_SHOWN - 1] + "…"
    return f"{seen.method} {path} → {seen.status}"


class ClassRoster:
    """Devices, the sessions they hold and send, and counts for the summary."""

    def __init__(self, window: float = HIJACK_WINDOW) -> None:
        self.window = window
        self.devices: dict[Device, DeviceState] = {}
        self._senders: dict[str, dict[Device, float]] = {}  # sid: device: when it last sent it
        self._recent: deque[float] = deque()
        #: When, why ("full", "rate") and from which device the lab turned a request away.
        self._refused: deque[tuple[float, str, Device]] = deque()
        # Kept up to date as they come and go: a script over its rate may be refused 100,000
        # times a minute, too many to count again at each refresh of the window.
        self._refused_by: dict[str, Counter[Device]] = {"full": Counter(), "rate": Counter()}
        self.total = 0
        self.last: RequestSeen | None = None

    def clear(self) -> None:
        """Forget everything (the lab was reset)."""
        self.__init__(self.window)

    def add(self, seen: RequestSeen) -> None:
        """Note one request."""
        device = Device(seen.address, seen.user_agent)
        state = self.devices.get(device)
        if state is None:
            if len(self.devices) >= MAX_DEVICES:
                oldest = min(self.devices.values(), key=lambda s: s.last_seen)
                del self.devices[oldest.device]
            state = self.devices[device] = DeviceState(device, seen.at, seen.at)
        state.last_seen = max(state.last_seen, seen.at)
        state.requests += 1
        state.sid = seen.sid_held
        if seen.sid_sent:
            self._senders.setdefault(seen.sid_sent, {})[device] = seen.at
        self.total += 1
        self.last = seen
        self._recent.append(seen.at)
        if seen.refused:
            self._refused.append((seen.at, seen.refused, device))
            self._refused_by.setdefault(seen.refused, Counter())[device] += 1

    def forget_old(self, now: float) -> None:
        """Drop sends older than the hijack window and requests older than a minute."""
        for sid in list(self._senders):
            senders = {d: at for d, at in self._senders[sid].items() if now - at <= self.window}
            if senders:
                self._senders[sid] = senders
            else:
                del self._senders[sid]
        while self._recent and now - self._recent[0] > RECENT:
            self._recent.popleft()
        while self._refused and now - self._refused[0][0] > RECENT:
            _, why, device = self._refused.popleft()
            by_device = self._refused_by[why]
            by_device[device] -= 1
            if not by_device[device]:
                del by_device[device]

    def holders(self) -> dict[str, list[str]]:
        """Return each session id with the devices that hold it, by label."""
        held: dict[str, list[str]] = {}
        for state in self.devices.values():
            if state.sid:
                held.setdefault(state.sid, []).append(state.device.label)
        return held

    def senders(self, sid: str) -> list[str]:
        """Return the labels of the devices that sent ``sid`` within the hijack window."""
        return [device.label for device in self._senders.get(sid, {})]

    def recent_count(self) -> int:
        """Requests in the last minute (as of the last :meth:`forget_old`)."""
        return len(self._recent)

    def refusals(self) -> str:
        """Say how many of the class's requests the lab turned away in the last minute, and why.

        First in the summary: a student told "the lab is full" is the teacher's to sort out.
        """
        said = []
        for why, reason in (
            ("full", "the lab is full (503, see its live sessions)"),
            ("rate", "over a device's rate limit (429)"),
        ):
            # A student who reloads the "lab is full" page is still one student: say both.
            by_device = self._refused_by[why]
            requests, devices = by_device.total(), len(by_device)
            if requests:
                said.append(
                    f"{requests} request{'s' if requests != 1 else ''} from {devices} "
                    f"device{'s' if devices != 1 else ''}: {reason}"
                )
        return f"⚠ Refused in the last minute: {'; '.join(said)}. " if said else ""

    def summary(self) -> str:
        """One line for the timeline: the class's requests, compact."""
        if not self.total:
            return ""
        text = self.refusals() + (
            f"Class: {self.total} requests from {len(self.devices)} "
            f"device{'s' if len(self.devices) != 1 else ''}, {self.recent_count()} in the last "
            "minute (not listed below; see View → Class view)."
        )
        if self.last is not None:
            who = Device(self.last.address, self.last.user_agent).label
            text += f" Last: {who}, {request_text(self.last)}."
        return text


def now() -> float:
    """The clock the class view uses (the server's records are in epoch seconds)."""
    return time.time()
