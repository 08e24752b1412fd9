"""The lesson handout: the timeline's diagram, each hop's sentence and the walkthrough's steps.

Plain Python, no Qt: one self-contained HTML document (styles inline, diagrams as inline SVG).
The PDF is printed from the same HTML by the Qt side, which passes ``figure`` to turn each
diagram into an image. Secrets are hidden by default, with the HAR export's labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from desktop.inspectors.sequence_layout import SequenceLayout
from desktop.inspectors.sequence_svg import svg_of
from desktop.inspectors.timeline_redaction import naming_for

if TYPE_CHECKING:
    from desktop.inspectors.timeline_entry import TrafficEntry

#: A diagram is cut after this many lines, so each piece fits on a printed page.
MAX_FIGURE_LINES = 26
#: Without a walkthrough, the timeline is told in sections of this many hops.
HOPS_PER_SECTION = 6
STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; color: #1a1a1a; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
.figure { overflow-x: auto; margin: 0.6em 0; } .note { color: #555; }
li { margin: 0.25em 0; } code { font-family: monospace, monospace; font-size: 0.95em; }
"""


@dataclass(frozen=True)
class LessonStep:
    """One performed walkthrough step: its title, its explanation and the rows it added."""

    title: str
    explanation: str
    rows: range


@dataclass(frozen=True)
class Lesson:
    """The walkthrough a class followed, as far as it went."""

    title: str
    teaches: str
    steps: tuple[LessonStep, ...]


def _sections(count: int, lesson: Lesson | None) -> list[tuple[str, str, range]]:
    """Return (heading, explanation, rows) for every part of the story, in order."""
    if lesson is None or not lesson.steps:
        return [
            (f"Hops #{start + 1}–#{min(count, start + HOPS_PER_SECTION)}", "", rows)
            for start in range(0, count, HOPS_PER_SECTION)
            if (rows := range(start, min(count, start + HOPS_PER_SECTION)))
        ]
    sections, seen = [], 0
    for number, step in enumerate(lesson.steps, start=1):
        rows = range(max(seen, step.rows.start), min(count, step.rows.stop))
        if rows.start > seen:
            sections.append(("Before this step", "", range(seen, rows.start)))
        sections.append((f"Step {number}: {step.title}", step.explanation, rows))
        seen = max(seen, rows.stop)
    if seen < count:
        sections.append(("Afterwards", "", range(seen, count)))
    return sections


def _pieces(layout: SequenceLayout, rows: range) -> list[list[int]]:
    pieces: list[list[int]] = [[]]
    lines = 0
    for row in rows:
        size = len(layout.hops[row].lines)
        if pieces[-1] and lines + size > MAX_FIGURE_LINES:
            pieces.append([])
            lines = 0
        pieces[-1].append(row)
        lines += size
    return [piece for piece in pieces if piece]


def _inline(svg: str) -> str:
    return svg


def handout_html(
    entries: Sequence[TrafficEntry],
    lesson: Lesson | None = None,
    *,
    hide_secrets: bool = True,
    figure: Callable[[str], str] = _inline,
    created: str = "",
) -> str:
    """Return the handout as one HTML document; ``figure`` turns a diagram's SVG into HTML."""
    naming = naming_for(entries, hide_secrets)
    layout = SequenceLayout(naming)
    layout.extend(entries)
    title = f"Session Lab: {lesson.title}" if lesson else "Session Lab: the HTTP timeline"
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if created:
        out.append(f'<p class="note">{escape(created)}</p>')
    if lesson is not None:
        out.append(f"<p>{escape(naming.text(lesson.teaches))}</p>")
    if hide_secrets:
        out.append(
            '<p class="note">Passwords, cookie values, CSRF tokens and session ids are replaced '
            "by labels such as [session id 1]: the same secret has the same label throughout.</p>"
        )
    if not entries:
        out.append("<p>The timeline is empty.</p>")
    for heading, explanation, rows in _sections(len(layout.hops), lesson):
        out.append(f"<h2>{escape(heading)}</h2>")
        if explanation:
            out.append(f"<p>{escape(naming.text(explanation))}</p>")
        for piece in _pieces(layout, rows):
            out.append(f'<div class="figure">{figure(svg_of(layout, piece))}</div>')
        if rows:
            out.append(f'<ol start="{layout.hops[rows.start].number}">')
            for row in rows:
                hop, entry = layout.hops[row], entries[row]
                label = hop.lines[[line.kind for line in hop.lines].index("hop")].text
                out.append(
                    f"<li><b>{escape(entry.browser)}: <code>{escape(label)}</code></b> "
                    f"{escape(hop.sentence)}</li>"
                )
            out.append("</ol>")
    out.append("</body></html>")
    return "\n".join(out)
