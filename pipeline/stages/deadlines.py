"""Deadlines stage: explicit time limits in a clause (ANNOTATION.md §6).

The regex comes from the period table in `schemas/data/periods.tsv`;
`schemas.Deadline` resolves the text against the report year.
"""

from __future__ import annotations

import regex

from gwr.schemas.vocabulary import WRITTEN_YEAR
from spacy.language import Language

from .clauses import quoted_ranges
from .lexicon import lexicon
from .model import Analysis, DeadlineMatch
from .stage import Stage

_CUE = regex.compile(r"[年月季]")  # every deadline names a year, a month or a quarter
_NUMERAL_BEFORE = regex.compile(r"[0-9０-９一二两三四五六七八九十几多]$")


def find_deadline(text: str, lo: int, hi: int, year: int | None) -> DeadlineMatch | None:
    """The first explicit time limit in text[lo:hi] that is not in quotes or in the past."""
    if not _CUE.search(text, lo, hi):
        return None
    quotes = quoted_ranges(text, lo, hi)
    for m in lexicon().deadline_re.finditer(text, lo, hi):
        if not m.group(0) or any(qs <= m.start() < qe for qs, qe in quotes):
            continue
        if _NUMERAL_BEFORE.search(text[max(0, m.start() - 1):m.start()]):  # 3年内 is a duration
            continue
        written = WRITTEN_YEAR.search(m.group(0))
        if written and year is not None and int(written.group(1)) < year:
            continue
        return DeadlineMatch(m.start(), m.end(), m.group(0))
    return None


def analyse_deadlines(a: Analysis, doc=None) -> None:
    for c in a.commitments:
        c.deadline = find_deadline(c.para.text, c.lo, c.hi, a.year)


@Language.factory("gwr_deadlines")
def make_deadlines(nlp: Language, name: str) -> Stage:
    return Stage(analyse_deadlines)
