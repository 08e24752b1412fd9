"""Start Session Lab: the embedded session server and the window (``session-lab``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from server.config import STORES


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="session-lab", description="See how web sessions work: cookies, sessions, HTTP."
    )
    parser.add_argument("--store", choices=STORES, default="sqlite", help="where sessions live")
    parser.add_argument("--data-dir", type=Path, help="directory for the database and secret key")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, start the server on a free port, show the window, run until closed."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    # Qt is imported only once the arguments are known good: --help stays instant.
    from PySide6.QtWidgets import QApplication

    from desktop.lab import Lab
    from desktop.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Session Lab")
    app.setOrganizationName("Session Lab")
    lab = Lab(store=args.store, data_dir=args.data_dir)
    lab.start()
    window = MainWindow(lab)
    window.show()
    return app.exec()
