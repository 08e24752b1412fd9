"""Paint the sequence diagram's visible part, in the palette's colours and the widget's font.

Everything is computed per paint from the palette and the font in effect, so the theme and
presenter zoom need nothing more than a repaint. Only the hops between the top and the bottom
of the viewport are visited (the layout finds them by bisection).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPalette, QPen, QPolygonF

from desktop.inspectors.sequence_layout import Hop, Line
from desktop.inspectors.sequence_svg import SIGNS
from desktop.ui.colours import highlight_background, mix, severity_colour

Role = QPalette.ColorRole


class _Colours:
    def __init__(self, pal: QPalette) -> None:
        self.base = pal.color(Role.Base)
        self.text = pal.color(Role.Text)
        self.muted = mix(self.text, self.base, 0.45)
        self.window = pal.color(Role.Window)
        self.window_text = pal.color(Role.WindowText)
        self.lane = mix(self.window, pal.color(Role.Highlight), 0.18)
        self.note = mix(self.base, self.text, 0.07)
        self.store = mix(pal.color(Role.Link), self.text, 0.15)
        self.selected = highlight_background(pal)
        self.emphasised = highlight_background(pal, 0.14)
        self.tones = {
            "warning": severity_colour("warning", pal),
            "error": severity_colour("error", pal),
        }

    def of(self, line: Line) -> QColor:
        if line.tone in self.tones:
            return self.tones[line.tone]
        return self.store if line.kind == "store" else self.text


def _arrow(painter: QPainter, line: Line, x1: float, x2: float, y: float, pen: QPen) -> None:
    tip = 8.0 if x2 > x1 else -8.0
    pen.setStyle(Qt.PenStyle.DashLine if line.kind == "initiated" else Qt.PenStyle.SolidLine)
    painter.setPen(pen)
    painter.drawLine(QPointF(x1, y), QPointF(x2 - tip, y))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(pen.color())
    painter.drawPolygon(
        QPolygonF([QPointF(x2, y), QPointF(x2 - tip, y - 4.5), QPointF(x2 - tip, y + 4.5)])
    )


@dataclass(frozen=True)
class _Frame:
    """What every hop of one paint shares: measured once per paint, not once per hop."""

    colours: _Colours
    metrics: QFontMetricsF
    line_height: float
    char: float
    lane_x: dict[str, float]  # each lane's lifeline, in viewport coordinates


def _hop(painter: QPainter, hop: Hop, top: float, frame: _Frame, row_band) -> float:
    """Draw one hop's lines from ``top``; return the y of its arrow."""
    colours, metrics, lane_x = frame.colours, frame.metrics, frame.lane_x
    lh, char = frame.line_height, frame.char
    arrow = next(line for line in hop.lines if line.kind == "hop")
    left = min(lane_x[arrow.source], lane_x[arrow.target]) + char
    arrow_y = top
    for number, line in enumerate(hop.lines):
        y = top + number * lh
        colour = colours.of(line)
        text = SIGNS.get(line.tone, "") + line.text
        if line.is_arrow:
            x1, x2 = lane_x[line.source], lane_x[line.target]
            _arrow(painter, line, x1, x2, y + lh * 0.8, QPen(colour, 1.6))
            at = QPointF(min(x1, x2) + char, y + lh * 0.8 - metrics.descent() - 3)
            if line.label_at_end:
                at.setX(max(x1, x2) - char - metrics.horizontalAdvance(text))
            # The label's own band of the background hides the lifelines it crosses.
            band = QRectF(at.x() - 2, at.y() - metrics.ascent(), 0, metrics.height())
            band.setWidth(metrics.horizontalAdvance(text) + 4)
            painter.fillRect(band, colours.base if row_band is None else row_band)
            painter.setPen(colour)
            painter.drawText(at, text)
            if line.kind == "hop":
                arrow_y = y + lh * 0.8
        else:
            box = QRectF(left, y + lh * 0.12, metrics.horizontalAdvance(text) + char, lh * 0.76)
            painter.setPen(QPen(colours.muted, 0.6))
            painter.setBrush(colours.note)
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(colour)
            painter.drawText(box.adjusted(char / 2, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
    return arrow_y


def paint_diagram(view, painter: QPainter) -> None:
    """Paint ``view`` (a :class:`SequenceDiagram`) with ``painter`` on its viewport."""
    layout = view.layout_model
    colours = _Colours(view.palette())
    width, height = view.viewport().width(), view.viewport().height()
    painter.fillRect(0, 0, width, height, colours.base)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(view.font())
    metrics = QFontMetricsF(view.font())
    lh, header = view.line_height, view.header_height
    x0, scrolled = view.horizontalScrollBar().value(), view.verticalScrollBar().value()
    _, lane_width = view._geometry()
    lanes = layout.lanes
    lane_x = {key: view.lane_x(key) - x0 for key in layout.lane_index()}
    frame = _Frame(colours, metrics, lh, metrics.averageCharWidth(), lane_x)
    pen = QPen(colours.muted, 1, Qt.PenStyle.DashLine)
    painter.setPen(pen)
    for lane in lanes:
        x = lane_x[lane.key]
        painter.drawLine(QPointF(x, header), QPointF(x, height))

    first = int(scrolled // lh)
    last = int((scrolled + height - header) // lh) + 1
    selected = view.selected_row()
    arrows: dict[int, float] = {}
    for row in layout.hops_between(first, last):
        hop = layout.hops[row]
        top = header + hop.first_line * lh - scrolled
        band = QRectF(0, top, width, len(hop.lines) * lh)
        row_band = None
        if row == selected:
            row_band = colours.selected
        elif row in view.emphasised:
            row_band = colours.emphasised
        if row_band is not None:
            painter.fillRect(band, row_band)
        if row == selected and view.hasFocus():  # where the keyboard is (Up, Down)
            painter.setPen(QPen(colours.text, 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(band.adjusted(1, 1, -2, -2))
        painter.setPen(colours.muted)
        painter.drawText(QPointF(4 - x0, top + lh * 0.8 - metrics.descent() - 3), f"#{hop.number}")
        arrows[row] = _hop(painter, hop, top, frame, row_band)
        source = hop.redirect_from
        if source is not None:
            before = layout.hops[source]
            y0 = header + (before.arrow_line) * lh + lh * 0.8 - scrolled
            y1 = arrows[row]
            arrow = next(line for line in hop.lines if line.kind == "hop")
            x = min(lane_x[arrow.source], lane_x[arrow.target])
            path = QPainterPath(QPointF(x, y0))
            path.cubicTo(QPointF(x - 18, y0), QPointF(x - 18, y1), QPointF(x - 2, y1))
            painter.setPen(QPen(colours.muted, 1.2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)

    painter.fillRect(QRectF(0, 0, width, header), colours.window)
    for lane in lanes:
        x = lane_x[lane.key]
        box = QRectF(x - lane_width / 2 + 6, header * 0.12, lane_width - 12, header * 0.76)
        painter.setPen(QPen(colours.muted, 1))
        painter.setBrush(colours.lane)
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(colours.window_text)
        title = metrics.elidedText(lane.title, Qt.TextElideMode.ElideRight, box.width() - 8)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, title)
