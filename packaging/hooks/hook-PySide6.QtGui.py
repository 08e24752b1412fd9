"""PyInstaller hook: collect PySide6.QtGui as PyInstaller's own hook does, less unused plugins.

A hook in the spec's ``hookspath`` replaces the built-in one of the same name. QtGui is where the
platform, theme and input plugins come from; dropping a plugin here also keeps out the libraries
that only it links (PyInstaller follows each collected plugin's dependencies).
"""

from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# Plugin type -> plugin names (file stem without "lib"), or None for the whole type.
UNUSED_PLUGINS = {
    # Platforms for machines without a window system (embedded boards, VNC): the lab needs
    # xcb or wayland on Linux (windows, cocoa elsewhere) and offscreen for tests.
    "platforms": {"qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc"},
    "egldeviceintegrations": None,  # eglfs only
    "generic": None,  # evdev/tuio input, for eglfs and linuxfb only
    # The GTK 3 theme drags GTK, Cairo, Pango and ATK from the build machine into the bundle
    # (~20 MB), and a bundled GTK that differs from the user's is a classic source of crashes.
    # Qt falls back to its own Fusion look; the xdg-desktop-portal theme stays.
    "platformthemes": {"qgtk3"},
}


def _used(source: str, dest: str) -> bool:
    plugin_type = Path(dest).name
    if plugin_type not in UNUSED_PLUGINS:
        return True
    names = UNUSED_PLUGINS[plugin_type]
    return names is not None and Path(source).stem.removeprefix("lib") not in names


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, dest) for source, dest in binaries if _used(source, dest)]
