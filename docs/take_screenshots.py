"""Take the docs' screenshots from the real app, offscreen: ``python docs/take_screenshots.py``.

One of the window after login (for the README), one at the end of every walkthrough, three on
a 1366×768 projector with presenter zoom (system, dark and high-contrast themes), one after
a HAR export, and two of the sequence diagram (after a login, during the hijacking scenario);
then writes ``docs/scenarios.md`` around them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

import desktop.classroom.lab_actions
from desktop.classroom.walkthroughs import WALKTHROUGHS
from desktop.lab.embedded_lab import Lab
from desktop.window.main_window import MainWindow
from desktop.window.settings import LabSettings

HERE = Path(__file__).resolve().parent
SHOTS = HERE / "scenarios"


def wait_for(app: QApplication, condition, timeout: float = 120.0) -> None:
    """Spin the event loop until ``condition()`` is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def open_window(app: QApplication, folder: Path) -> MainWindow:
    """A window over a fresh lab, its start page loaded."""
    lab = Lab(store="sqlite", data_dir=folder / "data")
    lab.start()
    settings = LabSettings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(lab, settings)
    window.resize(1440, 900)
    window.show()
    wait_for(app, lambda: "Type Anything" in window.browser.page_view.toPlainText())
    return window


def log_in(app: QApplication, window: MainWindow) -> None:
    """Log in as alice through the window's form."""
    window.browser.userid_edit.setText("alice")
    window.browser.passwd_edit.setText("secret")
    window.browser.login_button.click()
    wait_for(app, lambda: "Welcome USER: alice" in window.browser.page_view.toPlainText())


def after_login(app: QApplication, folder: Path) -> None:
    """The README's picture: the POST that rotated the session id, selected."""
    window = open_window(app, folder)
    log_in(app, window)
    window.inspectors.traffic_table.selectRow(window.inspectors.traffic_model.rowCount() - 2)
    settle(app)  # the detail pane follows the selection a moment later
    window.grab().save(str(HERE / "window-after-login.png"))
    window.close()


#: Walkthroughs shown mid-way rather than at their end: after this many steps, with the
#: timeline row that tells the story selected (counted from the end).
SHOOT_AT = {"same_site": (2, 3), "remember_me": (4, 1), "https": (5, 1)}


def walkthrough(app: QApplication, folder: Path, number: int, key: str) -> str:
    """Run one walkthrough to its end (or its SHOOT_AT step) and save the window."""
    window = open_window(app, folder)
    panel = window.walkthrough_panel
    panel.start(key)
    wait_for(app, panel.next_button.isEnabled)
    stop_after, row_from_end = SHOOT_AT.get(key, (None, None))
    while not panel.done and panel.index != stop_after:
        before = panel.index
        panel.next_button.click()
        wait_for(app, lambda before=before: panel.index == before + 1)
    settle(app)  # the step's exchange reaches the detail pane a moment after it is selected
    if row_from_end is not None:
        wait_for(app, lambda: not any(browser.busy for browser in window.browsers))
        rows = window.inspectors.traffic_model.rowCount()
        window.inspectors.traffic_table.selectRow(rows - row_from_end)
        settle(app)
    name = f"{number:02d}-{key}.png"
    window.grab().save(str(SHOTS / name))
    window.close()
    return name


def projector(app: QApplication, folder: Path, theme: str) -> str:
    """A projector at 1366×768 with presenter zoom (Ctrl+plus three times), mid-scenario."""
    window = open_window(app, folder)
    window.resize(1366, 768)
    for _ in range(3):
        window.zoom.larger.trigger()
    window.theme.apply(theme)
    panel = window.walkthrough_panel
    panel.start("hijack")
    wait_for(app, panel.next_button.isEnabled)
    for number in range(1, 5):  # the thief is welcomed as alice
        panel.forward()
        wait_for(app, lambda n=number: panel.index == n and panel.next_button.isEnabled())
    settle(app)
    name = f"projector-{theme.replace('_', '-')}.png"
    window.grab().save(str(SHOTS / name))
    panel.stop()
    window.zoom.reset.trigger()
    window.theme.apply("system")
    window.close()
    return name


def settle(app: QApplication) -> None:
    """Let deferred layout work (re-fits after a resize or a zoom) happen."""
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def show_diagram(app: QApplication, window: MainWindow, row: int) -> None:
    """Bring the timeline's diagram to the front, give it most of the column, select ``row``."""
    inspectors = window.inspectors
    inspectors.focus_inspector("timeline")
    inspectors.timeline_views.show_diagram()
    inspectors.setSizes([110, 150, 640])
    inspectors.timeline_views.parentWidget().setSizes([520, 120])
    settle(app)
    inspectors.traffic_table.selectRow(row)
    settle(app)


def diagram_after_login(app: QApplication, folder: Path) -> str:
    """The diagram after a login, the POST that rotated the session id selected."""
    window = open_window(app, folder)
    log_in(app, window)
    show_diagram(app, window, window.inspectors.traffic_model.rowCount() - 2)
    name = "diagram-after-login.png"
    window.grab().save(str(HERE / name))
    window.close()
    return name


def diagram_hijack(app: QApplication, folder: Path) -> str:
    """The diagram while a session is stolen: the thief's browser is welcomed as alice."""
    window = open_window(app, folder)
    panel = window.walkthrough_panel
    panel.start("hijack")
    wait_for(app, panel.next_button.isEnabled)
    for number in range(1, 5):
        panel.forward()
        wait_for(app, lambda n=number: panel.index == n and panel.next_button.isEnabled())
    rows = panel.notes.rows(panel.index - 1)
    show_diagram(app, window, rows.stop - 1)
    window.inspectors.highlight_exchanges(rows)
    settle(app)
    name = "diagram-hijack.png"
    window.grab().save(str(SHOTS / name))
    panel.stop()
    window.close()
    return name


#: The load-balancer lesson's three moments: after this many steps, the picture's name.
BALANCER_SHOTS = {
    4: "balancer-not-logged-in.png",
    5: "balancer-sticky.png",
    10: "balancer-shared.png",
}


def load_balancer(app: QApplication, folder: Path) -> list[str]:
    """The load-balancer lesson on a 1366×768 projector: not logged in, sticky, shared.

    Each picture shows the step's hops in the diagram (browser, balancer, the server that
    answered, the store) and its explanation; the sticky one also the jar's two cookies.
    """
    window = open_window(app, folder)
    window.resize(1366, 768)
    panel = window.walkthrough_panel
    panel.start("load_balancer")
    wait_for(app, panel.next_button.isEnabled)
    names = []
    for number in range(1, max(BALANCER_SHOTS) + 1):
        panel.forward()
        wait_for(app, lambda n=number: panel.index == n and panel.next_button.isEnabled())
        if number not in BALANCER_SHOTS:
            continue
        rows = panel.notes.rows(panel.index - 1)
        inspectors = window.inspectors
        inspectors.timeline_views.show_diagram()
        # The jar and the store a few rows high, the diagram most of the column.
        inspectors.setSizes([90, 120, 560])
        inspectors.timeline_views.parentWidget().setSizes([480, 80])
        settle(app)
        inspectors.traffic_table.selectRow(rows.stop - 1)
        inspectors.highlight_exchanges(rows)
        if number == 5:
            inspectors.highlight_cookie("SERVERID")
        settle(app)
        window.grab().save(str(SHOTS / BALANCER_SHOTS[number]))
        names.append(BALANCER_SHOTS[number])
    panel.stop()
    window.close()
    return names


def har_export(app: QApplication, folder: Path) -> None:
    """The window right after exporting its timeline."""
    window = open_window(app, folder)
    log_in(app, window)
    path = window.menus.actions.export_har(folder / "session-lab.har")
    window.status.show_message(f"Saved the timeline to {path.name} (HAR 1.2).")
    app.processEvents()
    window.grab().save(str(SHOTS / "har-export.png"))
    window.close()


def main() -> int:
    """Take every screenshot and write docs/scenarios.md.

    With walkthrough keys as arguments, take only those walkthroughs' screenshots.
    """
    only = set(sys.argv[1:])
    app = QApplication.instance() or QApplication(sys.argv)
    SHOTS.mkdir(exist_ok=True)
    # Shorter lifetimes than the classroom's 20 s / 60 s, so the expiry run takes seconds.
    desktop.classroom.lab_actions.SHORT_LIFETIMES = (3, 8)
    # Stand in for the system's browser: what a student sees when it opens.
    QDesktopServices.openUrl = staticmethod(lambda url: True)
    sections = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if not only:
            after_login(app, scratch / "login")
        for number, walk in enumerate(WALKTHROUGHS):
            image = f"{number:02d}-{walk.key}.png"
            if not only or walk.key in only:
                image = walkthrough(app, scratch / walk.key, number, walk.key)
                print(f"{image}: done", flush=True)
            sections.append((walk.title, walk.teaches, image))
        if not only or "load_balancer" in only:
            for name in load_balancer(app, scratch / "balancer"):
                print(f"{name}: done", flush=True)
        if only:
            write_index(sections)
            return 0
        for theme in ("system", "dark", "high_contrast"):
            print(f"{projector(app, scratch / ('projector-' + theme), theme)}: done", flush=True)
        har_export(app, scratch / "har")
        print(f"{diagram_after_login(app, scratch / 'diagram-login')}: done", flush=True)
        print(f"{diagram_hijack(app, scratch / 'diagram-hijack')}: done", flush=True)
    write_index(sections)
    return 0


def write_index(sections) -> None:
    """Write docs/scenarios.md: one screenshot per scenario with what it teaches."""
    lines = [
        "# Classroom scenarios",
        "",
        "Each scenario is two clicks away: **Scenarios** in the menu bar, then its name (or pick",
        "it in the walkthrough panel under the browser and press **Start**). Every **Next**",
        "performs one step and explains the change it made in the cookie jar, the session store",
        "and the HTTP timeline. The screenshots show the end of each walkthrough; they are made",
        "from the real app by `docs/take_screenshots.py`.",
        "",
    ]
    for number, (title, teaches, image) in enumerate(sections):
        lines += [f"## {number}. {title}", "", teaches, "", f"![{title}](scenarios/{image})", ""]
    lines += [
        "## On a projector",
        "",
        "**View → Larger text** (Ctrl+plus), **Smaller text** (Ctrl+minus) and **Normal text",
        "size** (Ctrl+0) size every font for a projector; the size is remembered. When the",
        "window is small for its text (1366×768 or 1024×768 with presenter zoom), the page keeps",
        "the left column and the explanation moves above the inspectors, which show one at a",
        "time: the one the step is about. A clicker works: Page Down, Right or Space is Next,",
        "Page Up or Left is Back (**Help → Keyboard shortcuts**, F1). **View → Theme** offers",
        "System, Light, Dark and High contrast.",
        "",
        "![1366×768, presenter zoom](scenarios/projector-system.png)",
        "",
        "![The same in the Dark theme](scenarios/projector-dark.png)",
        "",
        "![The same in the High contrast theme](scenarios/projector-high-contrast.png)",
        "",
        "## The timeline as a sequence diagram",
        "",
        "The timeline's **Diagram** tab draws every hop as an arrow between lanes (browsers, the",
        "other site's page, the server, the session store), with the cookies sent, held back and",
        "set as notes and the store's changes as arrows to the store. During a walkthrough the",
        "hops of the step on screen are marked; here the thief's Browser 2 sends Browser 1's",
        "session id and the server answers as to alice. **File → Export diagram** (SVG, PNG) and",
        "**File → Export lesson handout** (HTML, PDF) hide secrets by default.",
        "",
        "![The diagram during the hijacking scenario](scenarios/diagram-hijack.png)",
        "",
        "## Two servers behind a load balancer, on a projector",
        "",
        "The load-balancer lesson (scenario 13, and challenge 10 in docs/challenges.md) at",
        "1366×768: the lab's address is its load balancer (the status line says so), with",
        "servers A and B behind it. The diagram gives the balancer and each server a lane, so",
        "the class sees which server answered every request. Server → Load balancer turns",
        "sticky sessions on and restarts one server. (In production nginx or HAProxy is the",
        "balancer; the lab's is a teaching device.)",
        "",
        "Round robin: the login went to server A, the redirect to server B, which does not know",
        "the session. alice is not logged in.",
        "",
        "![Not logged in: the other server](scenarios/balancer-not-logged-in.png)",
        "",
        "Sticky sessions: the balancer's own cookie, SERVERID, is the jar's second cookie; every",
        "request of this browser goes to the server that holds its session (until it restarts).",
        "",
        "![Sticky: the SERVERID cookie](scenarios/balancer-sticky.png)",
        "",
        "A shared store: both servers on one SQLite file (or Redis) and one secret key; A and B",
        "both welcome alice, even after server A restarted.",
        "",
        "![Shared: both servers know the session](scenarios/balancer-shared.png)",
        "",
        "## Export the timeline, reset the lab",
        "",
        "**File → Export timeline as HAR** writes a HAR 1.2 file that Chrome's and Firefox's",
        "developer tools import (Network panel, drop the file in); each entry's comment is the",
        "lab's explanation. **Hide secrets**, on by default, replaces passwords, cookie values,",
        "CSRF tokens and session ids with labels before the file is shared. **File → Reset the",
        "lab** stops the walkthrough, cancels requests in flight and returns to one browser, no",
        "sessions and every switch off.",
        "",
        "![After a HAR export](scenarios/har-export.png)",
        "",
    ]
    (HERE / "scenarios.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
