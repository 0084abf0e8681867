"""Sections stage: headings, their logical levels, parents, roles and bodies, and the
regions (section bodies and the main-targets paragraph) where commitments are looked for.

Levels follow the numbering, not the markup: each numbering style met opens a
level below the styles already open, a style met again closes the levels
below it (so `### 主要预期目标` and `## 2025年十项重点工作`, both unnumbered,
are siblings, and `### 1.` under them is one level down). An unnumbered
targets heading (`主要预期目标` on a line of its own) heads one paragraph and
holds no numbered parts: the numbered parts after it are its siblings.

Roles come from the heading's words (`section_roles.tsv`), else from what the
part says (`role_cues.tsv`: a part that reports what was done is `review`
whatever its heading), else from the years the heading names. The decisions
are written down in docs/outline.md.
"""

from __future__ import annotations

import unicodedata

import regex
from spacy.language import Language

from gwr.schemas import NormalisationError, parse_number
from gwr.schemas.spans import section_bodies, start_of_line
from gwr.schemas.vocabulary import WRITTEN_YEAR

from .layout import bare_numbering, heading_style, short_keyword_line
from .lexicon import lexicon, outline_lexicon
from .model import Analysis, Heading, Paragraph, Region
from .stage import Stage

_RUN_IN_END = regex.compile(r"[。：:]")
_CLOSING = "。：:！？；"
_SENTENCE_END = regex.compile(r"[。！？]")
_SUBHEAD_MAX = 80


def _ordinal(text: str) -> int | None:
    """三 -> 3, 12 -> 12, ② -> 2; None when there is no number."""
    if not text:
        return None
    try:
        return int(parse_number(text))
    except NormalisationError:
        value = unicodedata.numeric(text, -1) if len(text) == 1 else -1
        return int(value) if value > 0 else None


def _para_index(p: Paragraph, offset: int) -> int:
    """Index in p.text of a source offset inside one of p's pieces."""
    for (s, e), start in zip(p.pieces, p.starts):
        if s <= offset <= e:
            return start + offset - s
    return len(p.text)


def _numbered_heading(a: Analysis, p: Paragraph, found) -> Heading:
    """A numbered heading: to its first 。/： (run in), or the whole line(s) with a closing mark kept."""
    style, ordinal, title_start = found
    text = p.text
    m = _RUN_IN_END.search(text, title_start)
    if m:
        end = m.start()
        piece_end = next(st + (pe - ps) for (ps, pe), st in zip(p.pieces, p.starts) if st + (pe - ps) >= m.end())
        if m.end() == piece_end:  # the mark closes its line: an own-line heading keeps it (§3, the whole line)
            end = m.end()
    else:
        end = len(text)
    title = text[title_start:end].strip().rstrip(_CLOSING).strip()
    return Heading(style.name, _ordinal(ordinal), p.start, p.source(end, is_end=True), title)


def _heading_of(a: Analysis, p: Paragraph, glossary: bool) -> Heading | None:
    line_start, line_end = p.pieces[0]
    content = a.text[line_start:line_end]
    markup = a.text[start_of_line(a.text, line_start):line_start].count("#")
    found = heading_style(content) or bare_numbering(content)
    if found:
        h = _numbered_heading(a, p, found)
        if not found[0].resets and _is_glossary_entry(a, p, h, glossary):
            return None
        return h
    if markup or line_start in a.plain_headings or short_keyword_line(content):
        if len(p.pieces) == 1:
            return Heading("plain", None, line_start, line_end, content)
    return None


def _is_glossary_entry(a: Analysis, p: Paragraph, h: Heading, glossary: bool) -> bool:
    """`1.“2030启航计划”：指…`: a definition, inside a glossary or written as one (：指)."""
    after = a.text[h.end:h.end + 2]
    if not after.startswith(("：", ":")):
        return False
    return glossary or after[1:2] == "指"


def _reset_styles() -> set[str]:
    return {s.name for s in lexicon().heading_styles if s.resets}


def _role_of(title: str) -> str | None:
    """The role a heading's words name; a heading naming both the targets and the work plan
    (2024年主要预期目标和重点工作) heads the work plan."""
    found = [role for role, pattern in lexicon().section_roles if pattern.search(title)]
    if not found:
        return None
    if "targets" in found and "tasks" in found and found[0] != "review":
        return "tasks"
    return found[0]


def _role_from_body(text: str) -> str | None:
    """`review` when the part's body reports what was done (role_cues.tsv), else None."""
    counts = {("review", "strong"): 0, ("review", "weak"): 0, ("tasks", "strong"): 0, ("tasks", "weak"): 0}
    for role, weight, pattern in outline_lexicon().role_cues:
        counts[(role, weight)] += len(pattern.findall(text))
    strong = counts[("review", "strong")]
    review = strong + counts[("review", "weak")]
    tasks = counts[("tasks", "strong")] + counts[("tasks", "weak")]
    return "review" if strong >= 2 and review > tasks else None


def _is_leaf(h: Heading) -> bool:
    """Headings that hold no numbered parts: an unnumbered targets heading and an own-line sub-head."""
    return h.style == "subhead" or (h.style == "plain" and _role_of(h.title) == "targets")


def assign_levels(headings: list[Heading]) -> None:
    resets = _reset_styles()
    stack: list[str] = []
    last_at_level: dict[int, Heading] = {}
    previous: Heading | None = None
    for i, h in enumerate(headings, 1):
        if previous is not None and _is_leaf(previous) and h.style not in ("plain", previous.style) and stack:
            stack.pop()  # 主要预期目标 or a sub-head holds no numbered parts: they are its siblings
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
        previous = h


def assign_roles(headings: list[Heading], year: int | None, text: str = "") -> None:
    by_id = {h.id: h for h in headings}
    for h in headings:
        own = _role_of(h.title)
        parent = by_id.get(h.parent) if h.parent else None
        if parent is not None:
            h.role = own if own and parent.role != "review" else parent.role
        elif own:
            h.role = own
        elif text and _role_from_body(h.title + "\n" + text[h.body[0]:h.body[1]]):
            h.role = "review"
        else:
            years = [int(y) for y in WRITTEN_YEAR.findall(h.title)]
            h.role = "review" if year and years and max(years) < year else "tasks"
    for h, after in zip(headings, headings[1:]):
        if not h.title and after.parent == h.id and h.parent is None:
            h.role = after.role  # a bare 附件2 is what its title line (名词解释) says it is


def _year_from_headings(headings: list[Heading]) -> int | None:
    """The year of the work plan: a year named in a heading of the plan, else the latest named."""
    planned = [int(y) for h in headings if _role_of(h.title) in ("targets", "tasks") for y in WRITTEN_YEAR.findall(h.title)]
    named = [int(y) for h in headings for y in WRITTEN_YEAR.findall(h.title)]
    return max(planned) if planned else (max(named) if named else None)


def _find_headings(a: Analysis) -> list[tuple[Paragraph, Heading]]:
    found: list[tuple[Paragraph, Heading]] = []
    glossary = False
    for p in a.paragraphs:
        h = _heading_of(a, p, glossary)
        if h is not None:
            found.append((p, h))
            if outline_lexicon().glossary.search(h.title):
                glossary = True
            elif h.style == "plain" or h.style in _reset_styles():
                glossary = False
    return found + _subheads(a, found)


def _subheads(a: Analysis, found: list[tuple[Paragraph, Heading]]) -> list[tuple[Paragraph, Heading]]:
    """Own-line sub-heads (一是….  这一年，….  这是…的五年。) whose style recurs in one part,
    each followed by prose (subheads.tsv)."""
    lex = outline_lexicon()
    heading_at = {id(p) for p, _ in found}
    groups: dict[tuple[int, str], list[tuple[int, Paragraph, Heading]]] = {}
    part = -1
    for i, p in enumerate(a.paragraphs):
        if id(p) in heading_at:
            part = i
            continue
        t = p.text
        if len(p.pieces) != 1 or len(t) > _SUBHEAD_MAX or not _SENTENCE_END.fullmatch(t[-1:]) \
                or _SENTENCE_END.search(t, 0, len(t) - 1) or lex.leadin.search(t):
            continue
        for style, pattern in lex.openers:
            m = pattern.search(t)
            if m:
                ordinal = _ordinal(m.group(1)) if m.groups() and m.group(1) else None
                groups.setdefault((part, style), []).append(  # one level for every sub-head style
                    (i, p, Heading("subhead", ordinal, p.start, p.end, t.rstrip(_CLOSING))))
                break
    out = []
    for (_, style), items in groups.items():
        if len(items) < 2:
            continue
        if style == "shi" and not _counts_up([h.ordinal for _, _, h in items]):
            continue
        indices = {i for i, _, _ in items}
        followed = all(j + 1 < len(a.paragraphs) and id(a.paragraphs[j + 1]) not in heading_at
                       and j + 1 not in indices for j in indices)
        if followed:
            out.extend((p, h) for _, p, h in items)
    return out


def _counts_up(ordinals: list[int | None]) -> bool:
    """一是, 二是, 三是 (and again 一是, 二是 for a second series): runs of two or more from 1 up."""
    runs: list[int] = []
    for n in ordinals:
        if n == 1:
            runs.append(1)
        elif runs and n == runs[-1] + 1:
            runs[-1] = n
        else:
            return False
    return bool(runs) and min(runs) >= 2


def analyse_sections(a: Analysis, doc=None) -> None:
    found = sorted(_find_headings(a), key=lambda ph: ph[1].start)
    a.headings.extend(h for _, h in found)
    assign_levels(a.headings)
    if a.year is None:
        a.year = _year_from_headings(a.headings)
    noise = [(s, e) for _, s, e in a.noise]
    bodies = section_bodies(a.text, [(h.start, h.end, h.level) for h in a.headings], noise)
    for h, body in zip(a.headings, bodies):
        h.body = body
    assign_roles(a.headings, a.year, a.text)
    _find_regions(a, {id(p): h for p, h in found})


def _find_regions(a: Analysis, heading_of: dict[int, Heading]) -> None:
    lex = lexicon()
    current: Heading | None = None
    for p in a.paragraphs:
        start = 0
        h = heading_of.get(id(p))
        if h is not None:
            current = h
            start = _para_index(p, h.end)
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
