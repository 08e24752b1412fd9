"""``session-lab --reset``: delete the stored sessions, secret key and settings, after asking."""

from __future__ import annotations

from pathlib import Path

from desktop.window.settings import LabSettings
from server.config import default_data_dir, sqlite_path
from server.secret_key import KEY_FILE_NAME


def stored_files(data_dir: Path) -> list[Path]:
    """Return the lab's files that exist in ``data_dir``."""
    database = sqlite_path(data_dir)
    candidates = [
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
        data_dir / KEY_FILE_NAME,
    ]
    return [path for path in candidates if path.exists()]


def _ask(question: str, in_terminal: bool) -> bool:
    if in_terminal:
        try:
            return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
        except EOFError:
            return False
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(None, "Reset Session Lab", question)
    return answer == QMessageBox.StandardButton.Yes


def reset_lab(data_dir: Path | None, ask_in_terminal: bool) -> int:
    """Ask, then delete; return the process exit code (0 deleted, 1 declined)."""
    data_dir = Path(data_dir or default_data_dir())
    files = stored_files(data_dir)
    listing = "\n".join(f"  {path}" for path in files) or "  (no session files)"
    question = (
        "Delete Session Lab's stored data? Everyone logged in will be logged out.\n"
        f"{listing}\n  and the remembered window, store and font settings."
    )
    if not _ask(question, ask_in_terminal):
        print("Nothing was deleted.")
        return 1
    for path in files:
        path.unlink(missing_ok=True)
    settings = LabSettings()
    settings.clear()
    settings.sync()
    print(f"Deleted {len(files)} file(s) and the settings.")
    return 0
