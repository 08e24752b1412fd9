"""Install a double-clickable launcher: a freedesktop ``.desktop`` file and icon on Linux."""

from __future__ import annotations

import os
import shutil
import sys
from importlib import resources
from pathlib import Path

APP_ID = "session-lab"

DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Version=1.0
Name=Session Lab
GenericName=Web sessions lab
Comment=See cookies, sessions and HTTP exchanges change as you log in and out
Exec={exec_line}
Icon={icon}
Terminal=false
Categories=Education;Development;
Keywords=cookie;session;http;login;teaching;
StartupWMClass={wm_class}
"""


def icon_path() -> Path:
    """Return the app icon (PNG) shipped with the package."""
    return Path(str(resources.files("desktop") / "resources" / f"{APP_ID}.png"))


def launch_command() -> list[str]:
    """Return the command that starts the app without a terminal, from any directory."""
    if getattr(sys, "frozen", False):  # a packaged build: the executable is the app
        return [sys.executable]
    script = Path(sys.executable).with_name(APP_ID)
    if script.exists():
        return [str(script)]
    found = shutil.which(APP_ID)
    if found:
        return [found]
    return [sys.executable, "-m", "desktop"]


def desktop_exec(args: list[str]) -> str:
    """Quote a command for a ``.desktop`` file's ``Exec`` key (freedesktop quoting rules)."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    quoted = []
    for arg in args:
        if reserved & set(arg):
            escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
            arg = f'"{escaped}"'
        quoted.append(arg.replace("%", "%%"))
    return " ".join(quoted)


def data_home() -> Path:
    """Return ``$XDG_DATA_HOME``, or ``~/.local/share``."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def install_linux_launcher(home: Path | None = None) -> list[Path]:
    """Write the ``.desktop`` file and icon under ``home`` (XDG data home); return their paths."""
    home = home or data_home()
    icon_target = home / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png"
    entry_target = home / "applications" / f"{APP_ID}.desktop"
    icon_target.parent.mkdir(parents=True, exist_ok=True)
    entry_target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icon_path(), icon_target)
    entry_target.write_text(
        DESKTOP_ENTRY.format(
            exec_line=desktop_exec(launch_command()),
            icon=icon_target,
            wm_class="Session Lab",
        ),
        encoding="utf-8",
    )
    entry_target.chmod(0o755)  # some file managers only launch executable entries
    return [entry_target, icon_target]


def install_launcher() -> str:
    """Install the launcher this platform supports; return what was done, in words."""
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        entry, icon = install_linux_launcher()
        return f"Installed {entry} (icon {icon}). Session Lab is now in your applications menu."
    return (
        "No automatic launcher on this platform; the README's 'Double-click launch' section "
        "gives the exact steps."
    )
