"""Span mechanics that ANNOTATION.md fixes, shared by the gold compiler and the pipeline.

Both must cut lines and section bodies the same way, so the rules live here,
once: a line's content excludes its markup (`#`) and surrounding white space
(§2, §3), and a section body ends before the next heading of the same or a
higher level, trimmed of white space and of noise lines at its end (§3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Every white-space character (str.isspace: also \u3000, \u00a0, \x0c, \x1f, \u2028 …).
WHITE_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_LEAD = WHITE_SPACE + "#"
_TRAIL = WHITE_SPACE


@dataclass(frozen=True)
class Line:
    start: int  # offset of the content, markup and spaces stripped
    end: int
    content: str
    markup: int  # number of leading '#'


#: A line ends at \n, \r\n or a \r alone (old Mac files, some exports: a file of lone \r is lines too).
LINE_BREAK = re.compile(r"\r\n?|\n")


def split_lines(text: str) -> list[Line]:
    """Every line of the text (blank ones included) with its content span."""
    lines, pos = [], 0
    ends = [(m.start(), m.end()) for m in LINE_BREAK.finditer(text)] + [(len(text), len(text))]
    for end, after in ends:
        raw = text[pos:end]
        content = raw.lstrip(_LEAD).rstrip(_TRAIL)
        lead = len(raw) - len(raw.lstrip(_LEAD))
        lines.append(Line(pos + lead, pos + lead + len(content), content, raw[:lead].count("#")))
        pos = after
    return lines


def start_of_line(text: str, i: int) -> int:
    """Offset of the start of the line that holds offset `i`."""
    return max(text.rfind("\n", 0, i), text.rfind("\r", 0, i)) + 1


def body_end(text: str, start: int, end: int, noise_spans: list[tuple[int, int]]) -> int:
    """Trim white space, markup and trailing noise lines off the end of [start, end)."""
    noise_ends = {e: s for s, e in noise_spans if s >= start}
    while True:
        while end > start and (text[end - 1].isspace() or text[end - 1] == "#"):
            end -= 1
        if end not in noise_ends:
            return end
        end = noise_ends[end]


def heading_body_start(text: str, heading_end: int) -> int:
    """Where a body starts: after a run-in heading's 。/： and any white space."""
    if heading_end < len(text) and text[heading_end] in "。：:":
        heading_end += 1
    while heading_end < len(text) and text[heading_end].isspace():
        heading_end += 1
    return heading_end


def section_bodies(text: str, headings: list[tuple[int, int, int]], noise_spans: list[tuple[int, int]]
                   ) -> list[tuple[int, int]]:
    """Body span of each (heading start, heading end, level), in document order (§3)."""
    bodies = []
    for i, (_h_start, h_end, level) in enumerate(headings):
        start = heading_body_start(text, h_end)
        end = len(text)
        for later_start, _later_end, later_level in headings[i + 1:]:
            if later_level <= level:
                end = later_start
                break
        end = body_end(text, start, end, noise_spans)
        bodies.append((start, max(start, end)))
    return bodies
