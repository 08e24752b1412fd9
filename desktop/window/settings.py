"""What Session Lab remembers between launches (QSettings): geometry, splitters, store, font size,
theme. Only the teacher's own choices are written: a scenario's store is not."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from server.config import STORES

DEFAULT_STORE = "sqlite"


class LabSettings:
    """Typed access to the app's QSettings; tests pass their own QSettings file."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    @property
    def qsettings(self) -> QSettings:
        """The QSettings underneath, for what keeps its own keys (challenge progress)."""
        return self._settings

    @property
    def store(self) -> str:
        """The session store chosen last time."""
        value = self._settings.value("server/store", DEFAULT_STORE)
        return value if value in STORES else DEFAULT_STORE

    @store.setter
    def store(self, value: str) -> None:
        self._settings.setValue("server/store", value)

    @property
    def font_size(self) -> int:
        """The presenter font size in points; 0 for the system's size."""
        try:
            return max(0, int(self._settings.value("view/font_size", 0)))
        except (TypeError, ValueError):
            return 0

    @font_size.setter
    def font_size(self, points: int) -> None:
        self._settings.setValue("view/font_size", int(points))

    @property
    def theme(self) -> str:
        """The theme chosen last time (``system`` until one is chosen)."""
        value = self._settings.value("view/theme", "system")
        return value if isinstance(value, str) else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._settings.setValue("view/theme", value)

    def splitter_state(self, name: str) -> QByteArray | None:
        """The sizes a splitter had last time, if saved."""
        value = self._settings.value(f"splitters/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_splitter_state(self, name: str, state: QByteArray) -> None:
        """Remember a splitter's sizes."""
        self._settings.setValue(f"splitters/{name}", state)

    @property
    def geometry(self) -> QByteArray | None:
        """The window geometry saved last time, if any."""
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    def clear(self) -> None:
        """Forget everything."""
        self._settings.clear()

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._settings.sync()
