"""Run the session server on its own: ``python -m server``, then open the URL in any browser."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys
from pathlib import Path

from server.app import close_app, create_app, lab_state
from server.config import STORES
from server.runner import EmbeddedServer, ServerStartError


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="Session Lab's session server: the Django sessions tutorial on Flask.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port)")
    parser.add_argument("--store", choices=STORES, default="sqlite", help="where sessions live")
    parser.add_argument("--data-dir", type=Path, help="directory for the database and secret key")
    parser.add_argument(
        "--session-lifetime",
        type=int,
        default=30 * 60,
        metavar="SECONDS",
        help="idle lifetime of a session (default 1800)",
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="make every response wait, to simulate a slow network (default 0)",
    )
    return parser


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.session_lifetime <= 0:
        parser.error("--session-lifetime must be a positive number of seconds")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.delay < 0:
        parser.error("--delay cannot be negative")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = create_app(
        {
            "SESSION_STORE": args.store,
            "DATA_DIR": args.data_dir,
            "SESSION_IDLE_LIFETIME": args.session_lifetime,
            "RESPONSE_DELAY": args.delay,
        }
    )
    state = lab_state(app)
    if not is_loopback(args.host):
        print(
            f"WARNING: listening on {args.host} lets other machines reach this teaching server.",
            file=sys.stderr,
        )
    server = EmbeddedServer(app, host=args.host, port=args.port)
    try:
        url = server.start()
    except ServerStartError as error:
        print(f"error: {error}", file=sys.stderr)
        close_app(app)
        return 1
    # Ready for SIGTERM before the URL is out: whoever reads it may stop the server at once.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    where = f" in {state.data_dir}" if state.data_dir else ""
    try:
        print(f"Session Lab server on {url}/app_sessions/login/ ({state.store_name} store{where})")
        print("Press Ctrl-C to stop.", flush=True)  # whoever reads the URL from a pipe needs it now
        while server.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("\nStopping.")
    finally:
        server.stop()
        close_app(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
