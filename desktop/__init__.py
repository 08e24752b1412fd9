"""Session Lab's desktop app (PySide6), one folder per room, upper rooms importing lower ones.

app → window → classroom → inspectors → browser | lab → ui, and everything may import ``server``;
``pyproject.toml``'s import-linter contracts keep it so (``uv run lint-imports``).
"""

__version__ = "0.1.0"
