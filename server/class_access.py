"""Tell the class's requests from the lab's own while the lab is shared on the local network.

Sharing makes the server listen on a local network address as well (``SHARED_ADDRESS``). A
request comes from the class unless it reached the server from this machine (a loopback
peer) under a loopback name: a device on the network cannot fake a loopback peer, and a
browser on this machine that uses the shared address is treated as a student's, as it should.
"""

from __future__ import annotations

import ipaddress

from flask import Flask, Request

from server.allowed_hosts import host_name

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})


def shared(app: Flask) -> bool:
    """Whether the lab is shared on the local network now."""
    return bool(app.config.get("SHARED_ADDRESS"))


def from_this_machine(request: Request) -> bool:
    """Whether ``request`` came over loopback under a loopback name (the lab's own browsers)."""
    try:
        loopback_peer = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
    return loopback_peer and host_name(request.environ.get("HTTP_HOST", "")) in LOOPBACK_NAMES


def from_the_class(app: Flask, request: Request) -> bool:
    """Whether the lab is shared and ``request`` came from a student's device."""
    return shared(app) and not from_this_machine(request)
