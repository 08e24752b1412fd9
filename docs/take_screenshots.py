"""Take the README's screenshots from the real app, offscreen (``docs/take_screenshots.py``)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from desktop.lab import Lab
from desktop.main_window import MainWindow

HERE = Path(__file__).resolve().parent


def wait_for(app: QApplication, condition, timeout: float = 10.0) -> None:
    """Spin the event loop until ``condition()`` is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    """Log in through the window and save a screenshot of it."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as data_dir:
        lab = Lab(store="sqlite", data_dir=Path(data_dir))
        lab.start()
        window = MainWindow(lab)
        window.resize(1440, 900)
        window.show()
        page = window.browser.page_view
        wait_for(app, lambda: "Type Anything" in page.toPlainText())
        window.browser.userid_edit.setText("alice")
        window.browser.passwd_edit.setText("secret")
        window.browser.login_button.click()
        wait_for(app, lambda: "Welcome USER: alice" in page.toPlainText())
        # Show the exchange that teaches the most: the POST whose 302 rotates the session id.
        rows = window.inspectors.traffic_model.rowCount()
        window.inspectors.traffic_table.selectRow(rows - 2)
        app.processEvents()
        window.grab().save(str(HERE / "window-after-login.png"))
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
