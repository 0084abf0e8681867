"""Layout stage: lines, noise (mastheads, captions, bylines), the title, and paragraphs
with the layout's mid-sentence breaks joined again (`定制公\\n\\n交` is one paragraph)."""

from __future__ import annotations

import regex
from spacy.language import Language

from gwr.schemas.spans import Line, split_lines
from gwr.schemas.vocabulary import YEAR

from .lexicon import lexicon
from .model import Analysis, Paragraph
from .stage import Stage

_PUNCT = regex.compile(r"[。，；：！？、,;:!?]")
_COMPLETE = regex.compile(r"(?:[。！？；：…!?;:]|[。！？；…!?][”’」』）)】]*)$")
_HAN = regex.compile(r"\p{Han}")
_TITLE_WORDS = regex.compile(r"政\s*府\s*工\s*作\s*报\s*告")
_DASH = regex.compile(r"\s*[—－─]{1,2}")
_CAPTION_MAX = 30
_BROKEN = regex.compile(r"(?:[，、；“‘（(《—]|“[^”]*|（[^）]*)$")  # a heading line that stops mid-phrase
_PROSE_END = regex.compile(r"[。！？]")
_OPEN_NAME = regex.compile(r"(?:[和与及的”]|[0-9]年)$")  # a part name that goes on: `一、2025年和“十四五”`
_GOES_ON = regex.compile(r"[是为：:，,]")  # the rest of a sentence whose first words stood alone


def heading_style(content: str):
    """(style, ordinal text, match end) when the line starts with a heading numbering."""
    return _numberings(content)[0]


def bare_numbering(content: str):
    """(style, ordinal text, end) when the line is a numbering alone (`一、`, `（二）`): a heading whose
    title is on the next line, or empty."""
    return _numberings(content)[1]


_NUMBERINGS: dict[str, tuple] = {}
_NUMBERINGS_OF: list = [None]  # the lexicon they were read with (a test may load other tables)


def _numberings(content: str) -> tuple:
    """(heading_style, bare_numbering) of a line, each style's pattern matched once for both, and kept:
    the layout and sections stages ask about the same line three or four times."""
    lex = lexicon()
    if _NUMBERINGS_OF[0] is not lex or len(_NUMBERINGS) >= 8192:
        _NUMBERINGS.clear()
        _NUMBERINGS_OF[0] = lex
    found = _NUMBERINGS.get(content)
    if found is None:
        styled = bare = None
        for style in lex.heading_styles:
            m = style.pattern.match(content)
            if m is None:
                continue
            if styled is None and (style.resets or _HAN.search(content, m.end())):
                styled = (style, m.group(1), m.end())
            if bare is None and not style.resets and m.end() == len(content) and m.group(1):
                bare = (style, m.group(1), m.end())
            if styled is not None and bare is not None:
                break
        found = _NUMBERINGS[content] = (styled, bare)
    return found


def is_heading_candidate(line: Line) -> bool:
    """A line that may be a heading: markup, a numbering, or a short part name."""
    if line.markup:
        return True
    if heading_style(line.content) or bare_numbering(line.content):
        return True
    return short_keyword_line(line.content)


def short_keyword_line(content: str) -> bool:
    """An unnumbered, unpunctuated short line that names a report part (主要预期目标)."""
    if len(content) > _CAPTION_MAX or _PUNCT.search(content):
        return False
    return any(p.search(content) for _, p in lexicon().section_roles)


def _header_end(lines: list[Line], noise: list[str | None]) -> int:
    """Index of the first prose line (noise lines aside): everything before it is the header block."""
    for i, line in enumerate(lines):
        c = line.content
        if noise[i] is None and ("。" in c or c.startswith("各位代表")):
            return i
    return len(lines)


def _noise_kind(content: str, where: tuple[str, ...]) -> str | None:
    """The kind of the first noise row that matches, among the rows for `where` (head, any, near)."""
    for kind, pattern, row_where in lexicon().noise:
        if row_where in where and pattern.search(content):
            return kind
    return None


def analyse_layout(a: Analysis, doc=None) -> None:
    text = a.text
    a.lines = [ln for ln in split_lines(text) if ln.content]
    anywhere = [_noise_kind(ln.content, ("any",)) for ln in a.lines]
    header_end = _header_end(a.lines, anywhere)
    kinds: list[str | None] = []
    title_line = -1
    for i, line in enumerate(a.lines):
        in_header = i < header_end
        kind = anywhere[i] or (_noise_kind(line.content, ("head",)) if in_header else None)
        if kind is None and in_header and a.title is None and (_TITLE_WORDS.search(line.content) or line.markup):
            _take_title(a, line)
            title_line = i
        kinds.append(kind)
    tail = max((i for i, ln in enumerate(a.lines) if kinds[i] is None and _PROSE_END.search(ln.content)), default=-1)
    _near_chrome(a.lines, kinds, title_line, header_end, tail)
    kept: list[tuple[Line, bool]] = []  # (line, heading candidate)
    for i, line in enumerate(a.lines):
        if kinds[i]:
            a.noise.append((kinds[i], line.start, line.end))
        elif i != title_line:
            kept.append((line, is_heading_candidate(line)))
    _find_captions(a, kept)
    if a.year is None:
        a.year = _year_from_header(text, a, header_end)
    a.noise.sort(key=lambda n: n[1])
    noise_starts = {s for _, s, _ in a.noise}
    body_lines = [(ln, h or ln.start in a.plain_headings) for ln, h in kept if ln.start not in noise_starts]
    a.paragraphs = _join(text, body_lines)


def _near_chrome(lines: list[Line], kinds: list[str | None], title_line: int, header_end: int, tail: int) -> None:
    """Short lines in a run of web-page furniture (`>` `云南要闻`, `【字体：` `大` `中` `小` `】`) are chrome,
    above the report's first prose line or below its last one.

    A run grows from a chrome line forwards, then backwards: linear in the number of lines."""
    order = [i for i in range(len(lines)) if i < header_end or i > tail]
    for indices, step in ((order, -1), (order[::-1], 1)):
        for i in indices:
            j = i + step
            if (kinds[i] is None and i != title_line and 0 <= j < len(lines) and kinds[j] == "chrome"
                    and _noise_kind(lines[i].content, ("near",)) == "chrome"):
                kinds[i] = "chrome"


_HEADER_YEAR = regex.compile(rf"^({YEAR})年?$|({YEAR})年")


def _year_from_header(text: str, a: Analysis, header_end: int) -> int | None:
    """The report year from its title, dateline or year tag (a report given in early 2025 plans 2025)."""
    spans = ([a.title] if a.title else []) + [(s, e) for k, s, e in a.noise
                                               if k == "masthead" and s < _header_offset(a, header_end)]
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
    previous_complete, after_annex, heading_goes_on = True, False, False
    for line, heading in kept:
        c = line.content
        if heading_goes_on:  # the rest of a heading the layout broke (`（一）` / `扩大内需`)
            heading_goes_on = False
            previous_complete = True
            continue
        heading_goes_on = heading and _continues(line, True, bool(heading_style(c) or bare_numbering(c))) == "heading"
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

    A whole-line heading does not continue, unless the layout broke it: a numbering alone
    (`（一）` / `经济发展进中向好。…`), a heading stopping mid-phrase (`…，` / `加快…`), or a part
    name whose sentence goes on (`主要预期目标` / `是：…`). A heading run into its paragraph
    (`（一）…。充分发挥…`) is prose after its first 。 and may continue.
    """
    paragraphs: list[Paragraph] = []
    pieces: list[tuple[int, int]] = []
    joins = None  # what the previous line lets continue onto the next: "prose", "heading", "sentence"
    for line, heading in lines:
        blank_between = pieces and not text[pieces[-1][1]:line.start].strip()
        numbered = bool(heading_style(line.content) or bare_numbering(line.content))
        if blank_between and ((joins == "prose" and not heading) or (joins == "heading" and not numbered)
                              or (joins == "title" and not numbered and short_keyword_line(line.content))
                              or (joins == "sentence" and _GOES_ON.match(line.content))):
            pieces.append((line.start, line.end))  # only white space between: a layout break
            c = line.content
            if joins in ("heading", "title") and "。" not in c:  # the heading's rest: whole unless broken again
                joins = "heading" if _BROKEN.search(c) else None
            else:
                joins = None if _COMPLETE.search(c) else "prose"
            continue
        if pieces:
            paragraphs.append(Paragraph.join(text, pieces))
        pieces = [(line.start, line.end)]
        joins = _continues(line, heading, numbered)
    if pieces:
        paragraphs.append(Paragraph.join(text, pieces))
    return paragraphs


def _continues(line: Line, heading: bool, numbered: bool) -> str | None:
    c = line.content
    if not heading:
        return None if _COMPLETE.search(c) else "prose"
    if bare_numbering(c) or (numbered and "。" not in c and _BROKEN.search(c)):
        return "heading"
    if "。" in c:
        return None if _COMPLETE.search(c) else "prose"
    if numbered and _OPEN_NAME.search(c) and not any(p.search(c) for _, p in lexicon().section_roles):
        return "title"  # `一、2025年和“十四五”` / `工作回顾`: a part name on the next line ends it
    if not numbered and not line.markup:
        return "sentence"
    return None


@Language.factory("gwr_layout")
def make_layout(nlp: Language, name: str) -> Stage:
    return Stage(analyse_layout)
