"""Take docs/challenges.md's screenshots from the real app, offscreen.

``uv run python docs/take_challenge_screenshots.py``: for each challenge, a fresh lab at
1366×768, the challenge started and its first hint shown; for the hijack and the load
balancer, also solved. With challenge keys as arguments, only those challenges' pictures.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication
from take_screenshots import open_window, settle, wait_for

from desktop.classroom.challenges import CHALLENGES

HERE = Path(__file__).resolve().parent
SHOTS = HERE / "challenges"


def idle(app, window) -> None:
    """Wait until no browser has a request queued or running."""
    wait_for(app, lambda: not any(b.busy for b in window.browsers))


def shoot(app, folder: Path, key: str, solve=None) -> Path:
    """Start challenge ``key`` in a fresh window, show a hint, maybe solve it; save a picture."""
    window = open_window(app, folder)
    window.resize(1366, 768)
    panel = window.challenge_menu.panel
    panel.start(key)
    idle(app, window)
    panel.show_hint()
    suffix = ""
    if solve is not None:
        solve(app, window)
        wait_for(app, lambda: panel.verdict is not None and panel.verdict.kind == "solved")
        suffix = "-solved"
    settle(app)  # the solving exchange reaches the detail pane a moment after it is selected
    path = SHOTS / f"{key}{suffix}.png"
    window.grab().save(str(path))
    panel.leave()
    window.close()
    return path


def solve_hijack(app, window) -> None:
    """Copy Browser 1's cookie to Browser 2 and open the secured page there."""
    window.tabs.setCurrentIndex(0)
    window.menus._fill_steal_menu()
    [action] = [a for a in window.menus.steal_menu.actions() if a.text() == "Browser 2"]
    action.trigger()
    idle(app, window)
    window.tabs.setCurrentIndex(1)
    window.browser.secured_button.click()
    idle(app, window)


def solve_load_balancer(app, window) -> None:
    """Give both servers the SQLite file, log in, open the secured page twice (A and B)."""
    window.menus.store_actions["sqlite"].trigger()
    window.current_browser.controller.open("/app_sessions/login/")
    idle(app, window)
    window.browser.userid_edit.setText("alice")
    window.browser.passwd_edit.setText("secret")
    window.browser.login_button.click()
    idle(app, window)
    window.browser.secured_button.click()
    idle(app, window)
    window.inspectors.timeline_views.show_diagram()


SOLVED = {"hijack": solve_hijack, "load_balancer": solve_load_balancer}


def main() -> int:
    """Take every challenge's screenshot (or those named on the command line)."""
    only = set(sys.argv[1:])
    app = QApplication.instance() or QApplication([])
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for number, challenge in enumerate(CHALLENGES):
            if not only or challenge.key in only:
                print(shoot(app, Path(scratch) / str(number), challenge.key))
        for key, solve in SOLVED.items():
            if not only or key in only:
                print(shoot(app, Path(scratch) / f"solved-{key}", key, solve))
    return 0


if __name__ == "__main__":
    sys.exit(main())
