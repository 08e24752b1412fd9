"""View → Theme: the system's look, or Light, Dark and High contrast palettes of our own."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QMenu, QProxyStyle, QStyle, QWidget

from desktop.ui.colours import is_dark, mix

THEMES = {
    "system": "&System",
    "light": "&Light",
    "dark": "&Dark",
    "high_contrast": "&High contrast",
}

Role = QPalette.ColorRole
_COLOURS = {
    # window, window text, base, alternate base, text, button, highlight, highlighted text, link
    "light": ("#efefef", "#1a1a1a", "#ffffff", "#f3f5f8", "#1a1a1a", "#e6e6e6", "#2f6fde",
              "#ffffff", "#0b57d0"),
    "dark": ("#2b2b2b", "#e8e8e8", "#1e1e1e", "#262a30", "#e8e8e8", "#3a3a3a", "#3d7be0",
             "#ffffff", "#8ab4f8"),
    "high_contrast": ("#000000", "#ffffff", "#000000", "#141414", "#ffffff", "#000000",
                      "#ffff00", "#000000", "#00ffff"),
}  # fmt: skip


def _palette(name: str) -> QPalette:
    window, window_text, base, alternate, text, button, highlight, on_highlight, link = _COLOURS[
        name
    ]
    palette = QPalette(QColor(window))
    for role, colour in (
        (Role.Window, window),
        (Role.WindowText, window_text),
        (Role.Base, base),
        (Role.AlternateBase, alternate),
        (Role.Text, text),
        (Role.Button, button),
        (Role.ButtonText, window_text),
        (Role.ToolTipBase, base),
        (Role.ToolTipText, text),
        (Role.PlaceholderText, "#9a9a9a" if name != "light" else "#6b6b6b"),
        (Role.Highlight, highlight),
        (Role.HighlightedText, on_highlight),
        (Role.Link, link),
        (Role.LinkVisited, link),
        (Role.BrightText, "#ff5555"),
    ):
        palette.setColor(role, QColor(colour))
    disabled = QColor("#8a8a8a") if name != "light" else QColor("#9a9a9a")
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


class OutlinedStyle(QProxyStyle):
    """A style that outlines what Fusion frames a shade darker than the window: none on black.

    Check boxes and radio buttons (the Server menu's switches among them) get an outline
    halfway from the text colour to the window's, which any of our backgrounds shows at 3:1
    or more (Fusion's own is 1.7:1 on the light theme); with ``fields`` (high contrast) text
    fields get a frame in the text colour too.
    """

    def __init__(self, base: str, fields: bool = False) -> None:
        super().__init__(base)
        self.fields = fields

    def drawPrimitive(self, element, option, painter, widget=None) -> None:
        """Draw as the base style does, then the outline the theme's background needs."""
        super().drawPrimitive(element, option, painter, widget)
        Element = QStyle.PrimitiveElement
        if element in (Element.PE_IndicatorCheckBox, Element.PE_IndicatorRadioButton):
            colour = option.palette.color(Role.WindowText)
            if not self.fields:
                colour = mix(colour, option.palette.color(Role.Window), 0.45)
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(colour, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            box = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
            if element == Element.PE_IndicatorRadioButton:
                painter.drawEllipse(box)
            else:
                painter.drawRoundedRect(box, 1.5, 1.5)
            painter.restore()
        elif self.fields and element == Element.PE_PanelLineEdit:
            painter.save()
            painter.setPen(QPen(option.palette.color(Role.WindowText), 1))
            painter.drawRect(option.rect.adjusted(0, 0, -1, -1))
            painter.restore()


class ThemeChooser(QObject):
    """Owns the View → Theme actions and applies the chosen theme to the whole application."""

    theme_changed = Signal(str)

    #: The system's style name and palette, read before any theme of ours replaced them.
    _system: tuple[str, QPalette] | None = None
    #: The theme whose :class:`OutlinedStyle` the application has ("" for none).
    _outlined = ""

    def __init__(self, name: str = "system", parent: QObject | None = None) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        if ThemeChooser._system is None:  # once: later windows must not take a theme for it
            ThemeChooser._system = (app.style().name(), QPalette(app.palette()))
        self.name = "system"
        self.menu = QMenu("&Theme", parent if isinstance(parent, QWidget) else None)
        self.menu.setObjectName("theme_menu")
        group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for key, text in THEMES.items():
            action = QAction(text, self.menu, checkable=True)
            action.setObjectName(f"theme_{key}_action")
            action.triggered.connect(lambda _=False, k=key: self.apply(k))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[key] = action
        self.apply(name if name in THEMES else "system")

    def apply(self, name: str) -> None:
        """Use the theme ``name`` (a key of :data:`THEMES`) everywhere."""
        app = QApplication.instance()
        style, palette = self._system
        if name == "system":
            palette = QPalette(palette)
            # Some dark desktops keep a dark-blue link colour: unreadable on a dark page.
            if is_dark(palette) and palette.color(Role.Link).lightness() < 110:
                palette.setColor(Role.Link, QColor("#8ab4f8"))
                palette.setColor(Role.LinkVisited, QColor("#c58af9"))
        else:
            style, palette = "fusion", _palette(name)
        outlined = name if name != "system" else ""  # the system's style is left as it is
        if app.style().name().lower() != style.lower() or outlined != ThemeChooser._outlined:
            # Fusion draws frames a shade darker than the window: on a dark one they vanish.
            fields = outlined == "high_contrast"
            app.setStyle(OutlinedStyle(style, fields) if outlined else style)
            ThemeChooser._outlined = outlined
        app.setPalette(palette)
        self.actions[name].setChecked(True)
        changed = name != self.name
        self.name = name
        if changed:
            self.theme_changed.emit(name)
