"""Sections stage: headings, their logical levels, parents, roles and bodies, and the
regions (section bodies and the main-targets paragraph) where commitments are looked for.

Levels follow the numbering, not the markup: each numbering style met opens a
level below the styles already open, a style met again closes the levels
below it (so `### 主要预期目标` and `## 2025年十项重点工作`, both unnumbered,
are siblings, and `### 1.` under them is one level down).
"""

from __future__ import annotations

import unicodedata

import regex
from spacy.language import Language

from schemas import NormalisationError, parse_number
from schemas.spans import section_bodies

from .layout import heading_style, short_keyword_line
from .lexicon import lexicon
from .model import Analysis, Heading, Paragraph, Region
from .stage import Stage

_RUN_IN_END = regex.compile(r"[。：:]")
_YEAR = regex.compile(r"((?:19|20)[0-9]{2})年")


def _ordinal(text: str) -> int | None:
    """三 -> 3, 12 -> 12, ② -> 2; None when there is no number."""
    if not text:
        return None
    try:
        return int(parse_number(text))
    except NormalisationError:
        value = unicodedata.numeric(text, -1) if len(text) == 1 else -1
        return int(value) if value > 0 else None


def _heading_of(a: Analysis, p: Paragraph) -> Heading | None:
    line_start, line_end = p.pieces[0]
    content = a.text[line_start:line_end]
    markup = a.text[a.text.rfind("\n", 0, line_start) + 1:line_start].count("#")
    found = heading_style(content)
    if found:
        style, ordinal, title_start = found
        m = _RUN_IN_END.search(content, title_start)
        end = m.start() if m else len(content)
        return Heading(style.name, _ordinal(ordinal), line_start, line_start + end,
                       content[title_start:end].strip())
    if markup or line_start in a.plain_headings or short_keyword_line(content):
        if len(p.pieces) == 1:
            return Heading("plain", None, line_start, line_end, content)
    return None


def _role_of(title: str) -> str | None:
    for role, pattern in lexicon().section_roles:
        if pattern.search(title):
            return role
    return None


def assign_levels(headings: list[Heading]) -> None:
    resets = {s.name for s in lexicon().heading_styles if s.resets}
    stack: list[str] = []
    last_at_level: dict[int, Heading] = {}
    for i, h in enumerate(headings, 1):
        if h.style in resets:
            stack = [h.style]
        elif h.style in stack:
            del stack[stack.index(h.style) + 1:]
        else:
            stack.append(h.style)
        h.level = len(stack)
        h.id = f"s{i}"
        parent = last_at_level.get(h.level - 1) if h.level > 1 else None
        h.parent = parent.id if parent else None
        last_at_level[h.level] = h
        for deeper in [lv for lv in last_at_level if lv > h.level]:
            del last_at_level[deeper]


def assign_roles(headings: list[Heading], year: int | None) -> None:
    by_id = {h.id: h for h in headings}
    for h in headings:
        own = _role_of(h.title)
        parent = by_id.get(h.parent) if h.parent else None
        if parent is not None:
            h.role = own if own and parent.role != "review" else parent.role
        elif own:
            h.role = own
        else:
            years = [int(y) for y in _YEAR.findall(h.title)]
            h.role = "review" if year and years and max(years) < year else "tasks"


def _year_from_headings(headings: list[Heading]) -> int | None:
    """The year of the work plan: a year named in a heading of the plan, else the latest named."""
    planned = [int(y) for h in headings if _role_of(h.title) in ("targets", "tasks") for y in _YEAR.findall(h.title)]
    named = [int(y) for h in headings for y in _YEAR.findall(h.title)]
    return max(planned) if planned else (max(named) if named else None)


def analyse_sections(a: Analysis, doc=None) -> None:
    heading_paragraphs = []
    for p in a.paragraphs:
        h = _heading_of(a, p)
        if h is not None:
            a.headings.append(h)
            heading_paragraphs.append(p)
    assign_levels(a.headings)
    if a.year is None:
        a.year = _year_from_headings(a.headings)
    assign_roles(a.headings, a.year)
    noise = [(s, e) for _, s, e in a.noise]
    bodies = section_bodies(a.text, [(h.start, h.end, h.level) for h in a.headings], noise)
    for h, body in zip(a.headings, bodies):
        h.body = body
    _find_regions(a, dict(zip(map(id, heading_paragraphs), a.headings)))


def _find_regions(a: Analysis, heading_of: dict[int, Heading]) -> None:
    lex = lexicon()
    current: Heading | None = None
    for p in a.paragraphs:
        start = 0
        h = heading_of.get(id(p))
        if h is not None:
            current = h
            start = h.end - p.start
            if start < len(p.text) and p.text[start] in "。：:":
                start += 1
            if start >= len(p.text):
                continue
        cue = lex.targets_cue.search(p.text, start)
        if cue:
            a.regions.append(Region(p, cue.end(), current.id if current else None, True))
            continue
        if current is None or current.role not in ("targets", "tasks"):
            continue
        if lex.explanation.match(p.text[start:]):
            continue
        a.regions.append(Region(p, start, current.id, current.role == "targets"))


@Language.factory("gwr_sections")
def make_sections(nlp: Language, name: str) -> Stage:
    return Stage(analyse_sections)
