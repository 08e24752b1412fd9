"""Logging for a desktop app that may have no terminal: a rotating file in the user's log dir."""

from __future__ import annotations

import logging
import sys
import tempfile
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from server.config import APP_NAME

LOG_FILE_NAME = "session-lab.log"
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def default_log_dir() -> Path:
    """Return the user's log directory for Session Lab."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def configure_logging(log_dir: Path | None = None) -> Path:
    """Log to a rotating file (and to standard error when there is one); return the file's path.

    Falls back to the temporary directory when the log directory cannot be written.
    """
    handler = None
    for directory in (log_dir or default_log_dir(), Path(tempfile.gettempdir()) / APP_NAME):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / LOG_FILE_NAME
            handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
            break
        except OSError:
            continue
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for old in [h for h in root.handlers if getattr(h, "_session_lab", False)]:
        root.removeHandler(old)
        old.close()
    handlers: list[logging.Handler] = [handler] if handler else []
    # Under pythonw or a windowed build there are no standard streams at all.
    if sys.stderr is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.WARNING)
        handlers.append(stream)
    for new in handlers:
        new.setFormatter(logging.Formatter(FORMAT))
        new._session_lab = True
        root.addHandler(new)
    return path if handler else Path(tempfile.gettempdir()) / APP_NAME / LOG_FILE_NAME
