"""File → Export diagram (SVG or PNG) and Export lesson handout (HTML or PDF).

Both ask where to save, in the Documents folder, with the HAR dialog's "Hide secrets" option
on by default; the format follows the file's suffix (the filter chosen sets it).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

DIAGRAM_FILTERS = ("SVG images (*.svg)", "PNG images (*.png)")
HANDOUT_FILTERS = ("Web pages (*.html)", "PDF documents (*.pdf)")


def ask_export(
    parent: QWidget, title: str, file_name: str, filters: tuple[str, ...]
) -> tuple[Path, bool] | None:
    """Ask where to save and whether to hide secrets; None if cancelled."""
    from desktop.window.har_dialog import HarExportDialog, documents_folder

    dialog = HarExportDialog(parent)
    dialog.setObjectName("export_dialog")
    dialog.setWindowTitle(title)
    dialog.setNameFilters(list(filters))
    dialog.setDefaultSuffix(file_name.rsplit(".", 1)[1])
    dialog.filterSelected.connect(
        lambda chosen: dialog.setDefaultSuffix(chosen.split("*.")[1].rstrip(")"))
    )
    dialog.selectFile(str(documents_folder() / file_name))
    dialog.exec()
    return dialog.choice()


class DiagramExports:
    """The two File menu entries and what they write."""

    def __init__(self, window, file_menu: QMenu) -> None:
        self.window = window
        self.diagram_action = QAction("Export &diagram (SVG or PNG)…", file_menu)
        self.diagram_action.setObjectName("export_diagram_action")
        self.diagram_action.triggered.connect(self._ask_diagram)
        self.handout_action = QAction("Export lesson hand&out (HTML or PDF)…", file_menu)
        self.handout_action.setObjectName("export_handout_action")
        self.handout_action.triggered.connect(self._ask_handout)
        file_menu.addActions([self.diagram_action, self.handout_action])

    def _entries(self):
        return self.window.inspectors.traffic_model.entries()

    def export_diagram(self, path: Path, *, hide_secrets: bool = True) -> Path:
        """Write the timeline's diagram: PNG for a ``.png`` path, SVG otherwise."""
        from desktop.inspectors.diagram_export import write_png, write_svg

        write = write_png if Path(path).suffix.lower() == ".png" else write_svg
        return write(path, self._entries(), hide_secrets=hide_secrets)

    def export_handout(self, path: Path, *, hide_secrets: bool = True) -> Path:
        """Write the handout: PDF for a ``.pdf`` path, self-contained HTML otherwise."""
        from desktop.inspectors.diagram_export import write_handout_html, write_handout_pdf

        lesson = self.window.walkthrough_panel.notes.lesson()
        write = write_handout_pdf if Path(path).suffix.lower() == ".pdf" else write_handout_html
        return write(path, self._entries(), lesson, hide_secrets=hide_secrets)

    def _ask_diagram(self) -> None:
        choice = ask_export(
            self.window, "Export diagram", "session-lab-diagram.svg", DIAGRAM_FILTERS
        )
        if choice is not None:
            self.save(self.export_diagram, *choice, "the diagram")

    def _ask_handout(self) -> None:
        choice = ask_export(
            self.window, "Export lesson handout", "session-lab-handout.html", HANDOUT_FILTERS
        )
        if choice is not None:
            self.save(self.export_handout, *choice, "the handout")

    def save(self, write, path: Path, hide_secrets: bool, what: str) -> None:
        """Call ``write(path, hide_secrets=…)`` and say in the status line how it went."""
        try:
            write(path, hide_secrets=hide_secrets)
        except OSError as error:
            self.window.status.show_message(
                f"Could not save {what}: {error.strerror or error}", "error"
            )
            return
        hidden = " (passwords, cookie values and session ids hidden)" if hide_secrets else ""
        self.window.status.show_message(f"Saved {what} to {path}{hidden}.")
