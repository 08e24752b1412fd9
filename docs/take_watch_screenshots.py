"""Take the File → Watch a server… screenshots: ``python docs/take_watch_screenshots.py``.

Starts a redis-server on a free port and gunicorn with 4 workers on it (Linux, macOS), logs a
few students in and one out over HTTP, and watches that Redis from the window. Two pictures go
to ``docs/watch/``: the window at 1440×900, and on a 1366×768 projector with presenter zoom.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import requests  # noqa: E402
from gunicorn_server import GunicornServer  # noqa: E402
from helpers import LOGOUT, browser_login  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from redis_server import RedisServer  # noqa: E402
from take_screenshots import log_in, open_window, wait_for  # noqa: E402

SHOTS = HERE / "watch"
STUDENTS = ["amira", "ben", "chloe", "dmitri", "eve"]


def take(app: QApplication, folder: Path, redis_url: str, server_url: str, projector: bool):
    """Watch ``redis_url`` from a fresh window, let the class log in, and save the window."""
    window = open_window(app, folder / ("projector" if projector else "desktop"))
    if projector:
        window.resize(1366, 768)
        window.zoom.set_points(16)
    log_in(app, window)
    dialog = window.watching.ask()
    dialog.target_edit.setText(redis_url)
    dialog.watch_button.click()
    wait_for(app, lambda: window.watching.banner.text().startswith("WATCHING"))
    browsers = []
    for name in STUDENTS:
        http = requests.Session()
        http.trust_env = False
        browser_login(http, server_url, name)
        browsers.append(http)
    browsers[1].get(server_url + LOGOUT, timeout=10)
    wait_for(app, lambda: "(ben) deleted" in window.inspectors.store_note.text())
    settle = time.monotonic() + 1
    while time.monotonic() < settle:  # the countdown and the column widths catch up
        app.processEvents()
        time.sleep(0.02)
    name = "watch-on-a-projector.png" if projector else "watch-a-server.png"
    window.grab().save(str(SHOTS / name))
    print(f"wrote {SHOTS / name}")
    window.close()
    for http in browsers:
        http.close()


def main() -> None:
    """Take both pictures."""
    SHOTS.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="session-lab-watch-"))
    redis = RedisServer(folder)
    redis.start()
    env = {
        "SESSION_LAB_STORE": "redis",
        "SESSION_LAB_REDIS_URL": redis.url,
        "SESSION_LAB_DATA_DIR": str(folder / "server"),
    }
    server = GunicornServer(4, env, folder / "gunicorn.log")
    server.start()
    app = QApplication([])
    try:
        for projector in (False, True):
            redis.flush()
            take(app, folder, redis.url, server.url, projector)
    finally:
        server.stop()
        redis.stop()


if __name__ == "__main__":
    main()
