"""Clauses stage: split each commitment region into clauses (ANNOTATION.md §4.1) and
drop those that pledge nothing (§4.4: purpose, framing, forecasts, judgements, lead-ins).

A clause runs to the next 。；；！？ or ，, never inside quotes or brackets.
"""

from __future__ import annotations

import regex
from spacy.language import Language

from .lexicon import TIMEOUT, lexicon
from .model import Analysis, CommitmentMatch, Region
from .stage import Stage

#: Quoted or bracketed stretches are single units; a lone opening mark is a plain character.
_UNIT = (r"“[^”\n]{0,300}”|‘[^’\n]{0,300}’|「[^」\n]{0,300}」|『[^』\n]{0,300}』|（[^）\n]{0,300}）"
         r"|\([^)\n]{0,300}\)|【[^】\n]{0,300}】|《[^》\n]{0,300}》")
CLAUSE = regex.compile(rf"(?:{_UNIT}|[^，,。；;！？!?：:])+")
QUOTED = regex.compile(_UNIT)
_HAN2 = regex.compile(r"\p{Han}[^\p{Han}]*\p{Han}")
_TRIM = " \t\u3000\u00a0"
_SENTENCE_END = "。；;！？!?"


def split_region(region: Region) -> list[CommitmentMatch]:
    text = region.paragraph.text
    out = []
    lex = lexicon()
    carried = None  # strength of a dropped clause, for the next clause of the same sentence
    sentence_start = True  # a purpose clause leans on a clause of its sentence, unless it is the sentence
    for m in CLAUSE.finditer(text, region.start, timeout=TIMEOUT):
        lo, hi = m.start(), m.end()
        while lo < hi and text[lo] in _TRIM:
            lo += 1
        while hi > lo and text[hi - 1] in _TRIM:
            hi -= 1
        clause = text[lo:hi]
        closing = text[m.end():m.end() + 1]
        ends_sentence = not closing or closing in _SENTENCE_END
        leaning = not (sentence_start and ends_sentence)  # 让城市环境更优美。 is a sentence of its own
        sentence_start = ends_sentence
        if not _HAN2.search(clause):
            continue
        if (lex.non_commitment.match(clause) or (leaning and lex.purpose.match(clause))
                or (closing and lex.non_commitment_closing.match(closing))):
            word = lex.strength_re.match(clause)  # 确保按照时限要求，完成…: 确保 governs what follows
            carried = lex.strength[word.group(0)] if word and closing not in _SENTENCE_END else None
            continue
        c = _match(region, lo, hi)
        c.carried_strength, carried = carried, None
        out.append(c)
    return out


def _match(region: Region, lo: int, hi: int) -> CommitmentMatch:
    p = region.paragraph
    start, end = p.span(lo, hi)
    return CommitmentMatch(start, end, p.text[lo:hi], region.section, region.targets, para=p, lo=lo, hi=hi)


def quoted_ranges(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in QUOTED.finditer(text, lo, hi)]


def analyse_clauses(a: Analysis, doc=None) -> None:
    for region in a.regions:
        try:
            a.commitments.extend(split_region(region))
        except TimeoutError:
            a.warnings.append(f"clause splitting gave up on the paragraph at offset {region.paragraph.start} "
                              f"(regex time limit {TIMEOUT} s); no commitments taken from it")


@Language.factory("gwr_clauses")
def make_clauses(nlp: Language, name: str) -> Stage:
    return Stage(analyse_clauses)
