"""Start Session Lab (``session-lab``, ``python main.py``): the embedded server and the window."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop import __version__
from server.config import DEFAULTS, STORES


def app_version() -> str:
    """Return Session Lab's version (kept in ``desktop/__init__.py``, read by the build too)."""
    return __version__


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="session-lab", description="See how web sessions work: cookies, sessions, HTTP."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {app_version()}")
    parser.add_argument(
        "--store", choices=STORES, help="where sessions live (default: the last one chosen)"
    )
    parser.add_argument("--data-dir", type=Path, help="directory for the database and secret key")
    parser.add_argument(
        "--redis-url",
        default=DEFAULTS["REDIS_URL"],
        metavar="URL",
        help="the Redis server of the redis store (default %(default)s)",
    )
    parser.add_argument("--port", type=int, default=0, help="pin the server's port (default: any)")
    parser.add_argument(
        "--delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="make every response wait, to simulate a slow network",
    )
    parser.add_argument(
        "--share",
        nargs="?",
        const="auto",
        metavar="ADDRESS",
        help="share the lab with the class on this computer's local network ADDRESS "
        "(default: the address of the network it reaches others by)",
    )
    parser.add_argument(
        "--https",
        nargs="?",
        type=int,
        const=0,
        metavar="PORT",
        help="serve the lab over https too, on PORT (default: any), with a certificate of the "
        "lab's own CA (Server → HTTPS)",
    )
    parser.add_argument(
        "--reset", action="store_true", help="clear the lab's stored data (asks first), then exit"
    )
    parser.add_argument(
        "--install-launcher",
        action="store_true",
        help="add Session Lab to the desktop's applications menu, then exit",
    )
    return parser


def ensure_standard_streams() -> None:
    """Give ``pythonw`` and windowed builds harmless streams where ``sys.std*`` is None.

    Descriptors 0-2 are pointed at the null device first when closed: otherwise the next file
    opened (the session database, say) would get number 2 and receive Qt's warnings.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, start the server, show the window, run until it is closed."""
    had_terminal = sys.stdin is not None
    ensure_standard_streams()
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.https is not None and not 0 <= args.https <= 65535:
        parser.error("--https must be between 0 and 65535")
    if args.delay < 0:
        parser.error("--delay cannot be negative")
    if args.install_launcher:
        from desktop.app.launcher import install_launcher

        print(install_launcher())
        return 0

    from desktop.app.app_logging import configure_logging

    log_path = configure_logging()
    # Qt is imported only once the arguments are known good: --help stays instant.
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Session Lab")
    app.setOrganizationName("Session Lab")
    app.setApplicationVersion(app_version())
    app.setDesktopFileName("session-lab")
    from desktop.app.gui_thread_gc import collect_on_gui_thread

    collect_on_gui_thread(app)  # Qt objects in garbage cycles die on the GUI thread only

    if args.reset:
        from desktop.app.reset import reset_lab

        return reset_lab(args.data_dir, ask_in_terminal=had_terminal)

    from desktop.app.startup import run_app

    return run_app(app, args, log_path)
