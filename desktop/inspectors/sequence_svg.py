"""Write a sequence diagram (a :class:`SequenceLayout`) as SVG text, for slides and handouts.

Plain Python, no Qt. The text is monospaced, so widths are known without a font engine: every
character is :data:`CHAR_WIDTH` of the font size wide. Lanes, arrows and notes carry class
names (``lane``, ``arrow hop``, ``note cookie``…) and a ``data-row`` for the timeline row, so
the file can be read back and checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from desktop.inspectors.sequence_layout import Hop, Line, SequenceLayout

CHAR_WIDTH = 0.6  # of the font size, for a monospaced font
FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"


@dataclass(frozen=True)
class SvgStyle:
    """Sizes and colours (a light style that prints and projects well)."""

    font_size: float = 14.0
    text: str = "#1a1a1a"
    background: str = "#ffffff"
    lifeline: str = "#8c8c8c"
    lane_fill: str = "#e8eef7"
    note_fill: str = "#f4f4f4"
    store: str = "#1f5fa8"
    warning: str = "#8a5a00"
    error: str = "#b00020"

    @property
    def line_height(self) -> float:
        """The height of one diagram line."""
        return self.font_size * 2.0

    def tone(self, line: Line) -> str:
        """The colour of a line's text."""
        if line.tone in ("warning", "error"):
            return getattr(self, line.tone)
        return self.store if line.kind == "store" else self.text


SIGNS = {"warning": "⚠ ", "error": "✖ "}


class _Geometry:
    def __init__(self, layout: SequenceLayout, style: SvgStyle) -> None:
        self.style = style
        self.index = layout.lane_index()
        self.char = style.font_size * CHAR_WIDTH
        self.gutter = self.char * 7
        # Narrow lanes keep the picture's text large when it is scaled to a slide or a page;
        # a label longer than its lanes runs on over a band of background.
        self.lane_width = self.char * 22
        self.header = style.line_height * 1.4
        self.width = self.x(len(self.index) - 1) + self.lane_width / 2

    def fit(self, hop: Hop) -> None:
        """Widen the picture to the end of the hop's longest text."""
        for line in hop.lines:
            if line.label_at_end:
                continue
            start = (
                self.left(hop)
                if not line.is_arrow
                else min(self.lane_x(line.source), self.lane_x(line.target)) + self.char
            )
            self.width = max(self.width, start + self.char * (len(line.text) + 4))

    def x(self, lane: int) -> float:
        return self.gutter + self.lane_width * (lane + 0.5)

    def lane_x(self, key: str) -> float:
        return self.x(self.index[key])

    def left(self, hop: Hop) -> float:
        arrow = hop.lines[[line.kind for line in hop.lines].index("hop")]
        return min(self.lane_x(arrow.source), self.lane_x(arrow.target)) + self.char


def _text(x: float, y: float, text: str, colour: str, css_class: str, anchor="start") -> str:
    return (
        f'<text class={quoteattr(css_class)} x="{x:.1f}" y="{y:.1f}" fill="{colour}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _line(geo: _Geometry, hop: Hop, line: Line, top: float) -> list[str]:
    style = geo.style
    colour = style.tone(line)
    h = style.line_height
    text = SIGNS.get(line.tone, "") + line.text
    if line.is_arrow:
        x1, x2 = geo.lane_x(line.source), geo.lane_x(line.target)
        y = top + h * 0.8
        tip = 8 if x2 > x1 else -8
        dash = ' stroke-dasharray="5 4"' if line.kind == "initiated" else ""
        start = min(x1, x2) + geo.char
        if line.label_at_end:
            start = max(x1, x2) - geo.char * (len(text) + 1)
        parts = [
            f'<g class="arrow {line.kind}" data-row="{hop.row}" data-from={quoteattr(line.source)}'
            f" data-to={quoteattr(line.target)}>",
            f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2 - tip:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="1.5"{dash}/>',
            f'<polygon points="{x2:.1f},{y:.1f} {x2 - tip:.1f},{y - 4:.1f} {x2 - tip:.1f},'
            f'{y + 4:.1f}" fill="{colour}"/>',
            # A band of background behind the label hides the lifelines it crosses.
            f'<rect x="{start - geo.char * 0.3:.1f}" y="{y - h * 0.62:.1f}" '
            f'width="{geo.char * (len(text) + 0.6):.1f}" height="{h * 0.5:.1f}" '
            f'fill="{style.background}"/>',
            _text(start, y - h * 0.25, text, colour, "label"),
            "</g>",
        ]
        return parts
    x = geo.left(hop)
    width = geo.char * (len(text) + 1)
    return [
        f'<g class="note {line.kind}" data-row="{hop.row}">',
        f'<rect x="{x:.1f}" y="{top + h * 0.12:.1f}" width="{width:.1f}" height="{h * 0.76:.1f}"'
        f' rx="3" fill="{style.note_fill}" stroke="{style.lifeline}" stroke-width="0.5"/>',
        _text(x + geo.char / 2, top + h * 0.64, text, colour, "label"),
        "</g>",
    ]


def svg_of(
    layout: SequenceLayout,
    hops: Sequence[int] | None = None,
    style: SvgStyle | None = None,
    title: str = "Sequence diagram",
) -> str:
    """Return the SVG document of the diagram's ``hops`` (indices; default all), lanes on top."""
    style = style or SvgStyle()
    geo = _Geometry(layout, style)
    chosen = [layout.hops[i] for i in (range(len(layout.hops)) if hops is None else hops)]
    h = style.line_height
    for hop in layout.hops:  # every piece of one timeline as wide as the widest: lanes align
        geo.fit(hop)
    rows = sum(len(hop.lines) for hop in chosen)
    height = geo.header + rows * h + h * 0.5
    body: list[str] = []
    for number, lane in enumerate(layout.lanes):
        x = geo.x(number)
        w = geo.lane_width - geo.char * 2
        body += [
            f'<g class="lane" data-lane={quoteattr(lane.key)}>',
            f'<line x1="{x:.1f}" y1="{geo.header:.1f}" x2="{x:.1f}" y2="{height:.1f}" '
            f'stroke="{style.lifeline}" stroke-dasharray="3 4"/>',
            f'<rect x="{x - w / 2:.1f}" y="{h * 0.2:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="4" fill="{style.lane_fill}" stroke="{style.lifeline}"/>',
            _text(x, h * 0.85, lane.title, style.text, "title", "middle"),
            "</g>",
        ]
    top = geo.header
    placed: dict[int, float] = {}
    for hop in chosen:
        body.append(_text(geo.char, top + h * 0.55, f"#{hop.number}", style.lifeline, "number"))
        for line in hop.lines:
            body += _line(geo, hop, line, top)
            if line.kind == "hop":
                placed[hop.row] = top + h * 0.8
                if hop.redirect_from in placed:
                    x = geo.left(hop) - geo.char * 1.5
                    y0, y1 = placed[hop.redirect_from], top + h * 0.8
                    body.append(
                        f'<path class="redirect" data-row="{hop.row}" d="M{x + geo.char:.1f},'
                        f"{y0:.1f} C{x - geo.char:.1f},{y0:.1f} {x - geo.char:.1f},{y1:.1f} "
                        f'{x + geo.char:.1f},{y1:.1f}" fill="none" stroke="{style.lifeline}"/>'
                    )
            top += h
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{geo.width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {geo.width:.0f} {height:.0f}" '
            f'font-family="{FONT}" font-size="{style.font_size:g}">',
            f"<title>{escape(title)}</title>",
            f'<rect width="100%" height="100%" fill="{style.background}"/>',
            *body,
            "</svg>",
            "",
        ]
    )
