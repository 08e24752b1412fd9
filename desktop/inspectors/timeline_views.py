"""The timeline shown two ways, one tab each: the table and the sequence diagram.

Both share one selection model, so whatever is selected in one is selected in the other, and
the detail pane under them follows either.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTableView, QTabWidget

from desktop.inspectors.models.traffic_table_model import TrafficTableModel
from desktop.inspectors.sequence_diagram import SequenceDiagram
from desktop.ui.widget_names import name_widget


class TimelineViews(QTabWidget):
    """Tabs "Table" and "Diagram" over the same timeline."""

    def __init__(self, table: QTableView, model: TrafficTableModel) -> None:
        super().__init__()
        name_widget(self, "timeline_views", "Timeline views")
        self.table = table
        self.model = model
        self.diagram = SequenceDiagram(model, table.selectionModel())
        self.addTab(table, "Table")
        self.addTab(self.diagram, "Diagram")
        self.setTabToolTip(1, "The timeline as a sequence diagram: browsers, server, store")

    def show_diagram(self, on: bool = True) -> None:
        """Bring the diagram (or the table) to the front."""
        self.setCurrentWidget(self.diagram if on else self.table)

    def highlight_rows(self, rows: range) -> None:
        """Select a step's rows: the last one in the table, all their arrows in the diagram."""
        rows = range(max(0, rows.start), min(rows.stop, self.model.rowCount()))
        self.diagram.emphasise(rows)
        if rows:
            self.table.selectRow(rows.stop - 1)
