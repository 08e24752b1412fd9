"""Write the sequence diagram (SVG, PNG) and the lesson handout (HTML, PDF) to files.

Secrets are hidden by default (the HAR export's labels). SVG and HTML come from the plain
modules; PNG is the same SVG drawn by Qt's SVG renderer, and the PDF is the handout's HTML
printed by a ``QTextDocument`` with each diagram as an image. A file is written beside its
destination and moved over it, so an existing one is replaced whole or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSize, QUrl
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from desktop.inspectors.handout import Lesson, handout_html
from desktop.inspectors.sequence_layout import SequenceLayout
from desktop.inspectors.sequence_svg import SvgStyle, svg_of
from desktop.inspectors.timeline_redaction import naming_for

if TYPE_CHECKING:
    from desktop.inspectors.timeline_entry import TrafficEntry

#: The tallest PNG written, in pixels at scale 1: longer timelines keep their latest hops.
MAX_PNG_HEIGHT = 16_000
PNG_SCALE = 2.0
#: The width of a diagram on a printed page, in the document's pixels.
PDF_FIGURE_WIDTH = 640


def _write(path: str | os.PathLike[str], data: bytes) -> Path:
    path = Path(path)
    staging = path.with_name(path.name + ".part")
    try:
        staging.write_bytes(data)
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path


def diagram_svg(entries: Sequence[TrafficEntry], *, hide_secrets: bool = True) -> str:
    """Return the whole timeline's diagram as SVG text."""
    layout = SequenceLayout(naming_for(entries, hide_secrets))
    layout.extend(entries)
    return svg_of(layout, title="Session Lab: the HTTP timeline")


def write_svg(path, entries: Sequence[TrafficEntry], *, hide_secrets: bool = True) -> Path:
    """Write the diagram as an SVG file. Raises OSError when it cannot be written."""
    return _write(path, diagram_svg(entries, hide_secrets=hide_secrets).encode("utf-8"))


def render_svg(svg: str, scale: float = PNG_SCALE) -> QImage:
    """Draw SVG text on a white image, ``scale`` times its size."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    image = QImage(
        QSize(round(size.width() * scale), round(size.height() * scale)),
        QImage.Format.Format_ARGB32,
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    finally:
        painter.end()
    return image


def write_png(path, entries: Sequence[TrafficEntry], *, hide_secrets: bool = True) -> Path:
    """Write the diagram as a PNG (the latest hops that fit :data:`MAX_PNG_HEIGHT`)."""
    layout = SequenceLayout(naming_for(entries, hide_secrets))
    layout.extend(entries)
    room = int(MAX_PNG_HEIGHT // SvgStyle().line_height) - 2
    first = len(layout.hops)
    while first > 0 and layout.line_count - layout.hops[first - 1].first_line <= room:
        first -= 1
    svg = svg_of(layout, range(min(first, len(layout.hops) - 1), len(layout.hops)))
    path = Path(path)
    staging = path.with_name(path.name + ".part")
    try:
        if not render_svg(svg).save(str(staging), "PNG"):
            raise OSError(f"cannot write {path}")
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path


def write_handout_html(
    path, entries: Sequence[TrafficEntry], lesson: Lesson | None, *, hide_secrets: bool = True
) -> Path:
    """Write the handout as one self-contained HTML file."""
    html = handout_html(entries, lesson, hide_secrets=hide_secrets)
    return _write(path, html.encode("utf-8"))


def handout_document(
    entries: Sequence[TrafficEntry], lesson: Lesson | None, *, hide_secrets: bool = True
) -> QTextDocument:
    """The handout as a text document, each diagram an image resource."""
    document = QTextDocument()

    def figure(svg: str) -> str:
        image = render_svg(svg)
        name = f"figure-{id(image)}-{len(figures)}.png"
        figures.append(image)
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        width = min(PDF_FIGURE_WIDTH, image.width() / PNG_SCALE)
        return f'<img src="{name}" width="{width:.0f}">'

    figures: list[QImage] = []
    document.setHtml(handout_html(entries, lesson, hide_secrets=hide_secrets, figure=figure))
    return document


def write_handout_pdf(
    path, entries: Sequence[TrafficEntry], lesson: Lesson | None, *, hide_secrets: bool = True
) -> Path:
    """Print the handout to a PDF file (A4)."""
    path = Path(path)
    staging = path.with_name(path.name + ".part")
    document = handout_document(entries, lesson, hide_secrets=hide_secrets)
    try:
        writer = QPdfWriter(str(staging))
        writer.setTitle("Session Lab handout")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(15, 15, 15, 15),
                QPageLayout.Unit.Millimeter,
            )
        )
        document.print_(writer)
        del writer  # flushes and closes the file
        if not staging.exists():
            raise OSError(f"cannot write {path}")
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path
