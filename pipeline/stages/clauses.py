"""Clauses stage: split each commitment region into clauses (ANNOTATION.md §4.1) and
drop those that pledge nothing (§4.4: purpose, framing, forecasts, judgements, lead-ins).

A clause runs to the next 。；；！？ or ，, never inside quotes or brackets.
"""

from __future__ import annotations

import bisect
import functools

import regex
from spacy.language import Language

from gwr.schemas.spans import WHITE_SPACE
from gwr.schemas.vocabulary import read_tsv

from . import periods
from .lexicon import lexicon
from .model import Analysis, CommitmentMatch, Heading, Region
from .stage import Stage

#: Quoted or bracketed stretches are single units; a lone opening mark is a plain character.
QUOTED_UNIT = (r"“[^”\n]{0,300}”|‘[^’\n]{0,300}’|「[^」\n]{0,300}」|『[^』\n]{0,300}』|（[^）\n]{0,300}）"
               r"|\([^)\n]{0,300}\)|【[^】\n]{0,300}】|《[^》\n]{0,300}》")
_OPENING = "“‘「『（(【《"  # the marks that open a QUOTED_UNIT


def units_until(stops: str) -> regex.Pattern:
    """Runs of quoted units and other characters than `stops`: (?:QUOTED_UNIT|[^stops])+, written so that
    only an opening mark tries the quoted units (a plain character is taken in runs, not one at a time).

    Linear time, with no regex time limit (whose clock cost as much as the match): a match fails only at
    its first character (a stop), each quoted unit looks at most 300 characters ahead, and the possessive
    runs never give back what they took (nothing after them can fail)."""
    plain, opening = regex.escape(stops + _OPENING), regex.escape(_OPENING)
    return regex.compile(rf"(?:[^{plain}]++|{QUOTED_UNIT}|[{opening}])++")


CLAUSE = units_until("，,。；;！？!?：:")
QUOTED = regex.compile(QUOTED_UNIT)
_HAN2 = regex.compile(r"\p{Han}[^\p{Han}]*\p{Han}")
_TRIM = WHITE_SPACE
_SENTENCE_END = "。；;！？!?"


class PeriodState:
    """The guideline's period inheritance over the clauses of one paragraph (ANNOTATION.md §4 `period`).

    A clause that names a span has it, and so has the rest of its sentence; a
    lead-in (a clause ending in ：) that names one sets it for the paragraph;
    otherwise the section heading's span holds; a sentence that names this year
    (今年, 2026年) returns to the report year, for itself and what follows.
    """

    def __init__(self, year: int | None, paragraph_period, lead_in: str = ""):
        self.year = year
        self.paragraph = paragraph_period
        self.sentence = None
        if year is not None and lead_in:
            self._read(lead_in, lead=True)
        self.sentence = None

    def _read(self, clause: str, lead: bool) -> tuple[int, int] | None:
        if not periods.may_name(clause):
            return None
        named = periods.ahead(clause, self.year)
        if named == periods.THIS_YEAR:
            self.sentence, self.paragraph = periods.THIS_YEAR, None
            return None
        if named is not None:
            self.sentence = named
            if lead:
                self.paragraph = named
        return named

    def clause(self, clause: str, closing: str) -> tuple[int, int] | None:
        """The span of this clause (None: the report year alone); then move past it."""
        if self.year is None:
            return None
        own = self._read(clause, lead=closing in "：:" and bool(closing))
        if own is not None:
            found = own
        elif self.sentence is not None:
            found = None if self.sentence == periods.THIS_YEAR else self.sentence
        else:
            found = self.paragraph
        if not closing or closing in _SENTENCE_END:
            self.sentence = None
        return found


def heading_periods(headings: list[Heading], year: int | None) -> dict[str, tuple[int, int] | None]:
    """The span each section heading names (“十五五”时期主要目标任务 -> 2026-2030), inherited by children
    that name none; a heading naming this year (2026年重点工作) names the report year."""
    out: dict[str, tuple[int, int] | None] = {}
    for h in headings:
        named = periods.ahead(h.title, year) if year is not None else None
        if named is None:
            out[h.id] = out.get(h.parent) if h.parent else None
        else:
            out[h.id] = None if named == periods.THIS_YEAR else named
    return out


def split_region(region: Region, year: int | None = None, heading_period=None) -> list[CommitmentMatch]:
    text = region.paragraph.text
    out = []
    lex = lexicon()
    carried = None  # strength of a dropped clause, for the next clause of the same sentence
    sentence_strength = None  # …or for every clause of the sentence that a dropped time lead opens
    sentence_start = True  # a purpose clause leans on a clause of its sentence, unless it is the sentence
    spans = PeriodState(year, heading_period, text[:region.start])
    non_commitment, purpose, closing_drop = (lex.non_commitment.match, lex.purpose.match,
                                             lex.non_commitment_closing.match)
    for m in CLAUSE.finditer(text, region.start):
        lo, end = m.span()
        lo, hi = trim(text, lo, end)
        clause = text[lo:hi]
        closing = text[end:end + 1]
        period = spans.clause(clause, closing)
        ends_sentence = not closing or closing in _SENTENCE_END
        leaning = not (sentence_start and ends_sentence)  # 让城市环境更优美。 is a sentence of its own
        opens_sentence = sentence_start
        sentence_start = ends_sentence
        if not _HAN2.search(clause):
            continue
        if non_commitment(clause) or (leaning and purpose(clause)) or (closing and closing_drop(closing)):
            word = lex.strength_re.match(clause)  # 确保按照时限要求，完成…: 确保 governs what follows
            carried = lex.strength[word.group(0)] if word and not ends_sentence else None
            # a strength word in a time lead (力争到2030年，A，B，C) governs the whole sentence
            sentence_strength = carried if opens_sentence and lex.time_phrase.match(clause) else None
            continue
        c = _match(region, lo, hi)
        c.carried_strength, carried = carried or sentence_strength, None
        if ends_sentence:
            sentence_strength = None
        c.period = period
        out.append(c)
    return out


_DASHES = "—－─"
_BULLET = regex.compile(rf"[{_DASHES}]{{1,2}}(?=\p{{Han}}|[“‘「（(])")


def trim(text: str, lo: int, hi: int) -> tuple[int, int]:
    """A clause's bounds without surrounding white space and a leading dash bullet (——坚持…)."""
    while lo < hi and text[lo] in _TRIM:
        lo += 1
    if lo < hi and text[lo] in _DASHES:
        m = _BULLET.match(text, lo, hi)
        if m:
            lo = m.end()
    while hi > lo and text[hi - 1] in _TRIM:
        hi -= 1
    return lo, hi


def _match(region: Region, lo: int, hi: int) -> CommitmentMatch:
    p = region.paragraph
    start, end = p.span(lo, hi)
    return CommitmentMatch(start, end, p.text[lo:hi], region.section, region.targets, para=p, lo=lo, hi=hi)


_OPENING_MARK = regex.compile(f"[{regex.escape(_OPENING)}]")


@functools.lru_cache(maxsize=1024)
def quoted_ranges(text: str, lo: int, hi: int) -> tuple[tuple[int, int], ...]:
    """The quoted and bracketed stretches of text[lo:hi] (asked for each clause by three stages: kept).
    Most clauses hold no opening mark, which one character class finds faster than QUOTED's units."""
    if _OPENING_MARK.search(text, lo, hi) is None:
        return ()
    return tuple((m.start(), m.end()) for m in QUOTED.finditer(text, lo, hi))


@functools.cache
def _plan_cue() -> regex.Pattern:
    return regex.compile("|".join(f"(?:{row[0]})" for row in read_tsv("plan_targets_cues.tsv", 1, package="gwr",
                                                                          patterns=(0,))))


def plan_target_regions(a: Analysis) -> list[Region]:
    """Paragraphs outside every region that state a plan period's targets (…设置了29项主要指标，包括：…
    under “十四五”时期发展成就和“十五五”时期主要目标任务): a targets region each, after the cue."""
    if a.year is None:
        return []
    taken = {id(r.paragraph) for r in a.regions}
    starts = [h.start for h in a.headings]
    out = []
    for p in a.paragraphs:
        if id(p) in taken:
            continue
        k = bisect.bisect_right(starts, p.start) - 1
        h = a.headings[k] if k >= 0 else None
        if h is not None and h.start == p.start:
            continue  # a heading line
        cue = _plan_cue().search(p.text)
        if cue is None:
            continue
        named = periods.ahead(p.text[:cue.start()], a.year)
        if named is None and h is not None:
            named = periods.ahead(h.title, a.year)
        if isinstance(named, tuple) and named[1] > a.year:
            out.append(Region(p, cue.end(), h.id if h else None, True, period=named))
    return out


def analyse_clauses(a: Analysis, doc=None) -> None:
    by_heading = heading_periods(a.headings, a.year)
    a.regions.extend(plan_target_regions(a))
    a.regions.sort(key=lambda r: (r.paragraph.start, r.start))
    for region in a.regions:
        a.commitments.extend(split_region(region, a.year, region.period or by_heading.get(region.section)))


@Language.factory("gwr_clauses")
def make_clauses(nlp: Language, name: str) -> Stage:
    return Stage(analyse_clauses)
