"""Layout stage: lines, noise (mastheads, captions, bylines), the title, and paragraphs
with the layout's mid-sentence breaks joined again (`定制公\\n\\n交` is one paragraph)."""

from __future__ import annotations

import regex
from spacy.language import Language

from schemas.spans import Line, split_lines

from .lexicon import lexicon
from .model import Analysis, Paragraph
from .stage import Stage

_PUNCT = regex.compile(r"[。，；：！？、,;:!?]")
_COMPLETE = regex.compile(r"(?:[。！？；：…!?;:]|[。！？；…!?][”’」』）)】]*)$")
_HAN = regex.compile(r"\p{Han}")
_TITLE_WORDS = regex.compile(r"政\s*府\s*工\s*作\s*报\s*告")
_DASH = regex.compile(r"\s*[—－─]{1,2}")
_CAPTION_MAX = 30


def heading_style(content: str):
    """(style, ordinal text, match end) when the line starts with a heading numbering."""
    for style in lexicon().heading_styles:
        m = style.pattern.match(content)
        if m and (style.resets or _HAN.search(content, m.end())):
            return style, m.group(1), m.end()
    return None


def is_heading_candidate(line: Line) -> bool:
    """A line that may be a heading: markup, a numbering, or a short part name."""
    if line.markup:
        return True
    if heading_style(line.content):
        return True
    return short_keyword_line(line.content)


def short_keyword_line(content: str) -> bool:
    """An unnumbered, unpunctuated short line that names a report part (主要预期目标)."""
    if len(content) > _CAPTION_MAX or _PUNCT.search(content):
        return False
    return any(p.search(content) for _, p in lexicon().section_roles)


def _header_end(lines: list[Line]) -> int:
    """Index of the first prose line: everything before it is the report's header block."""
    for i, line in enumerate(lines):
        c = line.content
        if "。" in c or c.startswith("各位代表"):
            return i
    return len(lines)


def _noise_kind(content: str, in_header: bool) -> str | None:
    for kind, pattern, where in lexicon().noise:
        if (where == "any" or in_header) and pattern.search(content):
            return kind
    return None


def analyse_layout(a: Analysis, doc=None) -> None:
    text = a.text
    a.lines = [ln for ln in split_lines(text) if ln.content]
    header_end = _header_end(a.lines)
    kept: list[tuple[Line, bool]] = []  # (line, heading candidate)
    for i, line in enumerate(a.lines):
        in_header = i < header_end
        kind = _noise_kind(line.content, in_header)
        if kind:
            a.noise.append((kind, line.start, line.end))
            continue
        if in_header and a.title is None and (_TITLE_WORDS.search(line.content) or line.markup):
            _take_title(a, line)
            continue
        kept.append((line, is_heading_candidate(line)))
    _find_captions(a, kept)
    if a.year is None:
        a.year = _year_from_header(text, a, header_end)
    a.noise.sort(key=lambda n: n[1])
    noise_starts = {s for _, s, _ in a.noise}
    body_lines = [(ln, h or ln.start in a.plain_headings) for ln, h in kept if ln.start not in noise_starts]
    a.paragraphs = _join(text, body_lines)


_HEADER_YEAR = regex.compile(r"^((?:19|20)[0-9]{2})年?$|((?:19|20)[0-9]{2})年")


def _year_from_header(text: str, a: Analysis, header_end: int) -> int | None:
    """The report year from its title, dateline or year tag (a report given in early 2025 plans 2025)."""
    spans = ([a.title] if a.title else []) + [(s, e) for _, s, e in a.noise if s < _header_offset(a, header_end)]
    for s, e in sorted(spans):
        m = _HEADER_YEAR.search(text[s:e])
        if m:
            return int(m.group(1) or m.group(2))
    return None


def _header_offset(a: Analysis, header_end: int) -> int:
    return a.lines[header_end].start if header_end < len(a.lines) else len(a.text)


def _take_title(a: Analysis, line: Line) -> None:
    m = _DASH.search(line.content, 1)
    if m:  # 政府工作报告——2024年3月5日在…: the dateline is a masthead
        a.title = (line.start, line.start + m.start())
        a.noise.append(("masthead", line.start + m.end() - len(m.group(0).lstrip()), line.end))
    else:
        a.title = (line.start, line.end)


def _find_captions(a: Analysis, kept: list[tuple[Line, bool]]) -> None:
    """Short unpunctuated lines between finished paragraphs that are no headings."""
    previous_complete, after_annex = True, False
    for line, heading in kept:
        c = line.content
        if after_annex and not heading and not _PUNCT.search(c):
            a.plain_headings.add(line.start)  # 附件1 / 2023年省十件民生实事: the annex's title line
            heading = True
        style = heading_style(c) if heading else None
        after_annex = bool(style and style[0].resets and style[2] == len(c))
        if (not heading and previous_complete and len(c) <= _CAPTION_MAX and not _PUNCT.search(c)
                and _HAN.search(c) and line.start > (a.title[1] if a.title else -1)):
            a.noise.append(("caption", line.start, line.end))
            continue
        previous_complete = heading or bool(_COMPLETE.search(c))


def _join(text: str, lines: list[tuple[Line, bool]]) -> list[Paragraph]:
    """Paragraphs: a prose line that stops mid-sentence continues on the next prose line.

    A whole-line heading never continues; a heading run into its paragraph
    (`（一）…。充分发挥…`) is prose after its first 。 and may.
    """
    paragraphs: list[Paragraph] = []
    pieces: list[tuple[int, int]] = []
    open_ended = False
    for line, heading in lines:
        if pieces and open_ended and not heading and not text[pieces[-1][1]:line.start].strip():
            pieces.append((line.start, line.end))  # only white space between: a layout break
        else:
            if pieces:
                paragraphs.append(Paragraph.join(text, pieces))
            pieces = [(line.start, line.end)]
        open_ended = not _COMPLETE.search(line.content) and (not heading or "。" in line.content)
    if pieces:
        paragraphs.append(Paragraph.join(text, pieces))
    return paragraphs


@Language.factory("gwr_layout")
def make_layout(nlp: Language, name: str) -> Stage:
    return Stage(analyse_layout)
