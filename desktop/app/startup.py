"""Build and run the app once the command line is parsed: settings, server, window, hooks."""

from __future__ import annotations

import argparse
import contextlib
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop.app.crash_reporter import CrashReporter
from desktop.app.gui_thread_gc import settle_once_started
from desktop.app.launcher import icon_path
from desktop.app.quit_signals import QuitOnSignals
from desktop.lab.embedded_lab import Lab
from desktop.lab.lab_share import share_address_for
from desktop.window.main_window import MainWindow
from desktop.window.settings import LabSettings
from server.runner import ServerStartError

log = logging.getLogger(__name__)


def run_app(app: QApplication, args: argparse.Namespace, log_path: Path) -> int:
    """Start the lab and the window; return the exit code when the window closes."""
    app.setWindowIcon(QIcon(str(icon_path())))
    settings = LabSettings()
    store = args.store or settings.store
    settings.store = store
    reporter = CrashReporter(log_path)
    reporter.install()
    # From here on SIGTERM and Ctrl-C close the window cleanly, even one that arrives while the
    # lab is still starting: the event loop handles it as soon as it runs.
    opened: list[MainWindow] = []
    quitter = QuitOnSignals(lambda: _close_and_quit(app, opened))
    share_address, share_notice = share_address_for(getattr(args, "share", None))
    try:
        lab = Lab(
            store=store,
            data_dir=args.data_dir,
            port=args.port,
            extra_config={"RESPONSE_DELAY": args.delay, "REDIS_URL": args.redis_url},
            share_address=share_address,
            https=getattr(args, "https", None) is not None,
            https_port=getattr(args, "https", None) or 0,
        )
        lab.start()
        if share_notice:
            lab.notices.append(share_notice)
    except (OSError, ServerStartError) as error:
        log.exception("the session server could not start")
        from PySide6.QtWidgets import QMessageBox  # only on this path: it costs start-up time

        QMessageBox.critical(
            None,
            "Session Lab",
            f"The session server could not start: {error}\n\nThe log is at {log_path}.",
        )
        quitter.close()
        reporter.uninstall()
        return 1
    window = MainWindow(lab, settings)
    opened.append(window)
    # The app ends with its window, even if an error dialog is still open.
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.destroyed.connect(app.quit)
    log.info("Session Lab %s serving %s (%s store)", app.applicationVersion(), lab.url, store)
    window.show()
    settle_once_started(app)  # what the app built to start is left out of later collections
    try:
        return app.exec()
    finally:
        quitter.close()
        reporter.uninstall()


def _close_and_quit(app: QApplication, opened: list[MainWindow]) -> None:
    # SIGTERM or Ctrl-C: close the window (stopping the server) if it still exists, then quit.
    for window in opened:
        with contextlib.suppress(RuntimeError):  # already deleted by an earlier close
            window.close()
    app.quit()
