"""Take the sharing screenshots from the real app: ``python docs/take_sharing_screenshots.py``.

The lab is shared on ``127.0.0.2`` (Linux answers on all of 127.0.0.0/8, so it stands for the
teacher's network address), and a handful of students join from addresses of their own
(``127.0.1.N``) with the User-Agents of their phones and laptops; one of them then replays a
neighbour's session cookie. Three pictures go to ``docs/sharing/``: the join dialog with its QR
code over the window, the window with the class's sessions in its store view, and the class view
with the hijack flagged.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication
from take_screenshots import open_window, settle, wait_for

# The students' devices the tests use: a client bound to an address of its own.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from devices import FIREFOX_ANDROID, SAFARI_IPHONE, device, join

from desktop.window.main_window import MainWindow

HERE = Path(__file__).resolve().parent
SHOTS = HERE / "sharing"
SHARED = "127.0.0.2"
SECURED = "/app_sessions/secured_page/"
STUDENTS = [
    ("amira", FIREFOX_ANDROID),
    ("ben", SAFARI_IPHONE),
    (
        "chloe",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    ),
    (
        "dev",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
    ),
    (
        "eli",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Safari/605.1.15",
    ),
]
THIEF_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def with_dialog(window: MainWindow, dialog) -> QPixmap:
    """The window with the join dialog painted over its middle, as the projector shows it."""
    picture = window.grab()
    over = dialog.grab()
    painter = QPainter(picture)
    painter.drawPixmap(
        (picture.width() - over.width()) // 2, (picture.height() - over.height()) // 2, over
    )
    painter.end()
    return picture


def main() -> int:
    """Share the lab, let the class join, take the three pictures."""
    app = QApplication.instance() or QApplication(sys.argv)
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        window = open_window(app, Path(scratch))
        url = window.sharing.share(SHARED)
        if url is None:
            raise SystemExit(f"could not share on {SHARED}")
        dialog = window.sharing.join_dialog
        settle(app)
        with_dialog(window, dialog).save(str(SHOTS / "join-dialog.png"))
        dialog.close()

        students = [device(f"127.0.1.{n}", agent) for n, (_, agent) in enumerate(STUDENTS, 1)]
        for http, (userid, _) in zip(students, STUDENTS, strict=True):
            join(http, url, userid).raise_for_status()
        # The thief copies ben's cookie into a browser of their own and opens the secured page.
        thief = device(f"127.0.1.{len(STUDENTS) + 1}", THIEF_AGENT)
        thief.cookies.update(students[1].cookies)
        thief.get(url + SECURED, timeout=10).raise_for_status()
        students[1].get(url + SECURED, timeout=10).raise_for_status()
        # The window takes the class's requests a few times a second: wait until it has them.
        roster = window.sharing.roster
        wait_for(app, lambda: len(roster.devices) == len(STUDENTS) + 1)
        settle(app)
        window.grab().save(str(SHOTS / "window-shared.png"))

        view = window.sharing.show_class_view()
        view.resize(1366, 768)
        wait_for(app, lambda: "1 hijack" in view.counts.text())
        settle(app)
        view.grab().save(str(SHOTS / "class-view.png"))
        window.close()
        app.processEvents()
    for name in ("join-dialog.png", "window-shared.png", "class-view.png"):
        print(f"{name}: done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
