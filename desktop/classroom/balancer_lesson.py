"""The load-balancer lesson's moves: two servers behind the balancer, sticky, restarts, a shared
store, and back to one server. Walkthrough steps, the challenge and the reset call these."""

from __future__ import annotations

from desktop.classroom.lab_window import LabSteering, LabWindow
from desktop.lab.balanced_lab import BalancedLab, behind_balancer


def balanced_lab(window: LabWindow) -> BalancedLab | None:
    """The window's lab if it runs behind the load balancer, else None."""
    lab = window.lab
    return lab if isinstance(lab, BalancedLab) else None


def put_behind_balancer(window: LabWindow, store: str = "memory", sticky: bool = False) -> None:
    """Replace the lab by servers A and B, each on ``store``, behind the round-robin balancer.

    The lesson starts afresh: empty jars and an empty timeline, so the diagram's lanes are the
    balancer's and its servers'.
    """
    window.controls.replace_lab(
        lambda old: behind_balancer(old, store=store, sticky=sticky),
        "the lab moved behind its load balancer",
    )
    if balanced_lab(window) is not None:
        for browser in window.browsers:
            browser.controller.clear_cookies()
        window.inspectors.traffic_model.clear()
        window.status.show_message(
            "The lab's address is now its load balancer, with servers A and B behind it."
        )


def leave_balancer(controls: LabSteering, store: str | None = None) -> None:
    """Put the lab back as one server on its address (on ``store``), if it is balanced."""
    if isinstance(controls.lab, BalancedLab):
        controls.replace_lab(lambda old: old.unbalanced(store), "the lab left its load balancer")


def set_sticky(window: LabWindow, on: bool) -> None:
    """Turn the balancer's sticky sessions on or off."""
    lab = balanced_lab(window)
    if lab is not None:
        lab.sticky = on
        window.status.show_message(
            "Sticky sessions on: the balancer pins each browser to a server with its cookie."
            if on
            else "Sticky sessions off: plain round robin."
        )


def restart_server(window: LabWindow, name: str) -> None:
    """Restart lab server ``name`` alone; the store view shows what the servers hold now."""
    lab = balanced_lab(window)
    if lab is not None:
        lab.restart_backend(name)
        window.feed.reload_sessions()
        window.status.show_message(f"Server {name} restarted: a new process on the same port.")


def share_store(window: LabWindow, store: str = "sqlite") -> None:
    """Give both servers one store (the SQLite file, or Redis) and turn stickiness off."""
    window.controls.switch_store(store, remember=False)
    set_sticky(window, False)
