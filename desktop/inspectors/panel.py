"""The live inspectors: the client's cookie jar, the server's session store, the HTTP timeline."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QLabel,
    QSplitter,
    QTabBar,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.inspectors.column_fit import content_widths
from desktop.inspectors.exchange_report import render_exchange
from desktop.inspectors.models.cookie_table_model import CookieTableModel
from desktop.inspectors.models.remember_table_model import RememberTokenModel
from desktop.inspectors.models.session_table_model import SessionTableModel
from desktop.inspectors.models.traffic_table_model import TrafficTableModel
from desktop.inspectors.timeline_views import TimelineViews
from desktop.ui.colours import css, highlight_background, palette
from desktop.ui.elide_delegate import MiddleElideDelegate
from desktop.ui.widget_names import name_widget

#: Columns left out on a small screen: the jar's Domain, Path, Size; the store's Created, Last seen.
COMPACT_HIDDEN = {"jar": (2, 3, 5), "store": (2, 3)}
FIT_DELAY_MS = 40  # a table's columns are fitted at most once per this many ms of new rows
DETAIL_DELAY_MS = 30  # an exchange's detail is laid out this long after it is selected
STORE_FIT_DELAY_MS = 250  # the store's rows change many times a second while a class is in
DETAIL_HINT = "<p><i>Select an exchange to see its headers, cookies and what it changed.</i></p>"


def cookie_line_style() -> str:
    """CSS for the Cookie and Set-Cookie lines: the palette's highlight, its own text colour."""
    text = palette().color(QPalette.ColorRole.Text)
    return f"background-color:{css(highlight_background())}; color:{css(text)};"


def fit_columns(view: QTableView) -> None:
    """Fit every column but the last (which stretches) to its header and rows on screen."""
    model = view.model()
    last = model.columnCount() - 1
    widths = content_widths(view)
    for column in range(last):
        if widths is None:
            view.resizeColumnToContents(column)
        else:
            view.setColumnWidth(column, widths[column])
    wanted = sum(view.columnWidth(c) for c in range(last) if not view.isColumnHidden(c))
    last_width = view.sizeHintForColumn(last) if widths is None else widths[last]
    over = wanted + last_width - view.viewport().width()
    if over <= 0:
        return  # room for everything: ids stay whole
    # A long id, or a student's browsers in "Held by", must not push the data out of sight:
    # each capped column in turn gives up what is missing, down to its cap.
    for column, chars in getattr(view, "column_caps", ()):
        header = view.horizontalHeader()
        title = model.headerData(column, Qt.Orientation.Horizontal)
        bold = QFont(header.font())
        bold.setBold(True)  # the header of a selected row's columns is drawn bold
        margin = header.style().pixelMetric(header.style().PixelMetric.PM_HeaderMargin)
        least = QFontMetrics(bold).horizontalAdvance(title) + 4 * margin
        cap = max(least, view.fontMetrics().averageCharWidth() * chars)
        width = view.columnWidth(column)
        given = max(0, min(width - cap, over))
        view.setColumnWidth(column, width - given)
        over -= given
        if over <= 0:
            break


def _table(
    model, object_name: str, accessible: str, description: str, fit_delay_ms: int = FIT_DELAY_MS
) -> QTableView:
    view = name_widget(QTableView(), object_name, accessible)
    view.setAccessibleDescription(description)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table (arrows move between cells)
    view.horizontalHeader().setStretchLastSection(True)
    # Measure only the rows on screen when fitting columns; the timeline grows without end.
    view.horizontalHeader().setResizeContentsPrecision(0)
    # Fit the columns to what they hold whenever rows come or go, once per burst (a class
    # joining adds rows by the dozen); a hidden table (behind the diagram, or another
    # inspector's tab) would measure every row: it is fitted when shown.
    view.fit_timer = QTimer(view, singleShot=True, interval=fit_delay_ms)
    view.fit_timer.timeout.connect(lambda: view.isVisible() and fit_columns(view))
    for signal in (model.rowsInserted, model.modelReset):
        signal.connect(lambda *_: view.fit_timer.isActive() or view.fit_timer.start())
    return view


def _group(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class InspectorPanel(QSplitter):
    """Three inspectors stacked: jar, store, timeline with its detail pane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.cookie_model = CookieTableModel(self)
        self.session_model = SessionTableModel(self)
        # In single selection Qt selects the next row when the selected one goes: a deleted
        # session must not leave another (a student's, while shared) highlighted in its place.
        # Connected before the view is: the selection is read before the view moves it.
        self._selected_gone = False
        self.session_model.rowsAboutToBeRemoved.connect(self._note_selected_going)
        self.session_model.rowsRemoved.connect(self._clear_if_selected_gone)
        self.traffic_model = TrafficTableModel(self)

        self.cookie_table = _table(
            self.cookie_model, "cookie_table", "Cookie jar", "The front browser's cookies"
        )
        self.session_table = _table(
            self.session_model,
            "session_table",
            "Session store",
            "The server's sessions",
            STORE_FIT_DELAY_MS,
        )
        # Ids keep both ends (they tell sessions apart); the data keeps its start (userid).
        self._middle = MiddleElideDelegate(self)
        for view, column, chars in ((self.cookie_table, 1, 24), (self.session_table, 0, 10)):
            view.setItemDelegateForColumn(column, self._middle)
            view.column_caps = [(column, chars)]
        # While shared, "Held by" names students' browsers at length (its tooltip has all).
        self.session_table.column_caps.append((1, 30))
        self.traffic_table = _table(
            self.traffic_model, "traffic_table", "HTTP timeline", "One row per HTTP exchange"
        )
        self.traffic_detail = name_widget(QTextBrowser(), "traffic_detail", "Exchange detail")
        # Its scroll bar stays: appearing or going with a longer or shorter exchange, it resized
        # the page and laid the whole detail out a second time (tens of ms with a class in).
        self.traffic_detail.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.traffic_detail.setHtml(DETAIL_HINT)
        self.store_note = name_widget(QLabel(), "store_note", "Session store note")
        self.store_note.setWordWrap(True)
        # It may quote a student's user name (a watched store's last change): text, never HTML.
        self.store_note.setTextFormat(Qt.TextFormat.PlainText)
        self.cookie_payload = name_widget(QLabel(), "cookie_payload", "Decoded cookie payload")
        self.cookie_payload.setWordWrap(True)
        self.cookie_payload.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cookie_payload.hide()
        self.cookie_table.setToolTip("Double-click a value to edit it, as in developer tools.")

        self._store_fit_all = self._store_fit_holders = False
        self._store_fit = QTimer(self, singleShot=True, interval=STORE_FIT_DELAY_MS)
        self._store_fit.timeout.connect(self._fit_store)
        self.session_model.dataChanged.connect(self._fit_holders)
        # The detail (a page of HTML to lay out, a few ms) is laid out a moment after the
        # selection changes, in a turn of the event loop of its own: not with the repaint of the
        # new rows and the diagram (together they froze the window for over 50 ms while a class
        # joined), nor once per row when Down is held.
        self._detail = QTimer(self, singleShot=True, interval=DETAIL_DELAY_MS)
        self._detail.timeout.connect(self.show_selected_detail)
        self.traffic_table.selectionModel().selectionChanged.connect(self._on_selection)
        # A cleared timeline drops its selection without a word: the hint takes the detail's place.
        self.traffic_model.modelReset.connect(self.show_selected_detail)
        # A redirect's exchanges arrive together: the newest is selected once, after all of them.
        self._follow = QTimer(self, singleShot=True, interval=0)
        self._follow.timeout.connect(self._follow_latest)
        self.traffic_model.rowsInserted.connect(self._follow.start)

        self.timeline_views = TimelineViews(self.traffic_table, self.traffic_model)
        self.sequence_diagram = self.timeline_views.diagram
        self.timeline_views.currentChanged.connect(lambda: fit_columns(self.traffic_table))
        timeline = QSplitter(Qt.Orientation.Vertical)
        timeline.addWidget(self.timeline_views)
        timeline.addWidget(self.traffic_detail)
        timeline.setSizes([160, 260])

        self.remember_model = RememberTokenModel(self)
        self.remember_table = _table(
            self.remember_model,
            "remember_table",
            "Remember-me tokens",
            "The server's remember-me tokens: selector, user and the validator's hash",
        )
        self.remember_note = name_widget(QLabel(), "remember_note", "Remember-me tokens note")
        self.remember_note.setWordWrap(True)
        self.jar_box = _group("Cookie jar", self.cookie_table, self.cookie_payload)
        self.store_box = _group(
            "Session store (server)",
            self.store_note,
            self.session_table,
            self.remember_note,
            self.remember_table,
        )
        self.show_remember_tokens([], offered=False)
        self.timeline_box = _group("HTTP timeline", timeline)
        self.boxes = {"jar": self.jar_box, "store": self.store_box, "timeline": self.timeline_box}
        for box in self.boxes.values():
            self.addWidget(box)
        self.setSizes([130, 170, 460])
        # On a small screen one inspector at a time, chosen here or by the step in progress.
        self.chooser = name_widget(QTabBar(), "inspector_tabs", "Inspectors")
        for title in ("Cookie jar", "Session store", "HTTP timeline"):
            self.chooser.addTab(title)
        self.chooser.setCurrentIndex(2)
        self.chooser.currentChanged.connect(self._show_chosen)
        self.chooser.hide()
        self.compact = False

    def set_compact(self, compact: bool) -> None:
        """Show one inspector at a time (small screens), or all three stacked.

        Compact also leaves out the columns a lesson rarely needs (the jar's domain, path and
        size; the store's creation and last-use times), so the ones it does need fit.
        """
        self.compact = compact
        for view, columns in (
            (self.cookie_table, COMPACT_HIDDEN["jar"]),
            (self.session_table, COMPACT_HIDDEN["store"]),
        ):
            for column in columns:
                view.setColumnHidden(column, compact)
        self._show_holders_if_useful()
        self.chooser.setVisible(compact)
        self._show_chosen(self.chooser.currentIndex())

    def focus_inspector(self, name: str) -> None:
        """Bring the inspector ``name`` (jar, store, timeline) to the front when compact."""
        self.chooser.setCurrentIndex(list(self.boxes).index(name))

    @Slot(int)
    def _show_chosen(self, index: int) -> None:
        for number, box in enumerate(self.boxes.values()):
            box.setVisible(not self.compact or number == index)
        # A hidden table measured no rows when they arrived: measure them now.
        self._fit_all()

    def show_jar_of(self, browser_name: str) -> None:
        """Title the jar inspector with the browser whose jar it shows."""
        self.jar_box.setTitle(f"Cookie jar ({browser_name})")

    def show_cookie_payload(self, text: str) -> None:
        """Show what a signed cookie says (empty hides it)."""
        self.cookie_payload.setText(text)
        self.cookie_payload.setVisible(bool(text))

    def highlight_session(self, sid: str | None) -> None:
        """Select the store's row for ``sid`` (what a walkthrough step changed)."""
        row = self.session_model.row_of(sid)
        self.focus_inspector("store")
        if row >= 0:
            self.session_table.selectRow(row)
        else:
            self.session_table.clearSelection()

    def highlight_cookie(self, name: str) -> None:
        """Select the jar's row for the cookie ``name``."""
        names = [row.name for row in self.cookie_model.rows()]
        self.focus_inspector("jar")
        if name in names:
            self.cookie_table.selectRow(names.index(name))

    def highlight_exchanges(self, rows: range) -> None:
        """Select a step's timeline rows: the last in the table, all their arrows in the diagram."""
        self.timeline_views.highlight_rows(rows)

    @Slot()
    def _fit_holders(self, top_left=None, bottom_right=None, roles=None) -> None:
        # "Held by" changes as browsers come and go; the countdown column ticks every second.
        # Measured once per burst of changes: a room of students changes rows many times a
        # second, and measuring on each change would freeze the window.
        if not roles:  # a whole row changed (now bold: this browser's session): fit again
            self._store_fit_all = True
        if top_left is None or top_left.column() <= 1 <= bottom_right.column():
            self._store_fit_holders = True
        if (self._store_fit_all or self._store_fit_holders) and not self._store_fit.isActive():
            self._store_fit.start()

    @Slot()
    def _fit_store(self) -> None:
        if self._store_fit_all or self._store_fit_holders:
            # Shown or hidden first: the widths depend on it. Then "Held by" with the others:
            # measuring one column measures them all anyway, and the others may have to make
            # room for it, or it for the data.
            self._show_holders_if_useful()
            fit_columns(self.session_table)
        self._store_fit_all = self._store_fit_holders = False

    @Slot(QModelIndex, int, int)
    def _note_selected_going(self, parent: QModelIndex, first: int, last: int) -> None:
        rows = self.session_table.selectionModel().selectedRows()
        self._selected_gone = any(first <= index.row() <= last for index in rows)

    @Slot()
    def _clear_if_selected_gone(self) -> None:
        if self._selected_gone:
            self.session_table.clearSelection()
        self._selected_gone = False

    def _show_holders_if_useful(self) -> None:
        # On a small screen "Held by" earns its room only once two browsers hold sessions,
        # students' browsers (while the lab is shared) as much as the lab's own.
        model = self.session_model
        names = {
            name
            for holders in (model.holders, model.remote_holders)
            for names in holders.values()
            for name in names
        }
        self.session_table.setColumnHidden(1, self.compact and len(names) < 2)

    def show_remember_tokens(self, tokens, offered: bool) -> None:
        """Show the server's remember-me tokens, while "Remember me" is offered or any exist."""
        self.remember_model.reset(tokens)
        visible = offered or bool(tokens)
        self.remember_note.setVisible(visible)
        self.remember_table.setVisible(visible and bool(tokens))
        self.remember_note.setText(
            f"<b>Remember-me tokens</b> ({len(tokens)}): the server keeps only each "
            "validator's hash; the browser's cookie holds selector:validator."
            if tokens
            else "<b>Remember-me tokens</b>: none yet. Tick “Remember me” when logging in."
        )

    def reset(self) -> None:
        """Empty the jar and the timeline (a new lab or a new browser)."""
        self.cookie_model.set_rows([])
        self.traffic_model.clear()  # the detail shows the hint again

    def changeEvent(self, event: QEvent) -> None:
        """Draw the detail again in the new theme's colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.show_selected_detail()
        elif event.type() == QEvent.Type.FontChange:  # presenter zoom: headers fit again
            QTimer.singleShot(0, self, self._fit_all)  # once the children have the new font

    @Slot()
    def _fit_all(self) -> None:
        for view in (self.cookie_table, self.session_table, self.traffic_table):
            fit_columns(view)

    @Slot()
    def _follow_latest(self) -> None:
        # The newest exchange is the one a student just caused: select it, show its story.
        self.traffic_table.selectRow(self.traffic_model.rowCount() - 1)

    @Slot()
    def _on_selection(self) -> None:
        rows = self.traffic_table.selectionModel().selectedRows()
        if rows and rows[0].row() < self.traffic_model.rowCount() - 1:
            self._follow.stop()  # an older exchange chosen (the teacher's, a walkthrough's) stays
        self._detail.start()

    @Slot()
    def show_selected_detail(self) -> None:
        """Show the selected exchange's story in the detail pane (the hint when none is)."""
        self._detail.stop()
        rows = self.traffic_table.selectionModel().selectedRows()
        if not rows:
            self.traffic_detail.setHtml(DETAIL_HINT)
            return
        entry = self.traffic_model.entry(rows[0].row())
        self.traffic_detail.setHtml(
            render_exchange(entry.exchange, entry.events, entry.sentence, cookie_line_style())
        )
