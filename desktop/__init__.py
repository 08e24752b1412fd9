"""Session Lab's desktop app: the window, its browsers, inspectors and walkthroughs (PySide6)."""

__version__ = "0.1.0"
