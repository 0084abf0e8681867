"""Outcomes stage: the past results of indicators that a report states (ANNOTATION.md §8).

Outcomes are looked for in review sections and in the preamble: each
paragraph is split into clauses as commitments are (§4 rules 1, 3, 5), each
clause into 、-items that carry their own numbers, and an item is an outcome
when its subject names an indicator of `data/indicator_patterns.tsv` whose
kind and unit its number fits. An item with a bare predicate (增长5.2%)
inherits the subject of the item or clause before it in its sentence.
Comparisons with other places, ranks, and stocks of an id that counts new
things are left out (`data/outcome_words.tsv`).

The period is last year, [Y-1, Y-1], unless the paragraph or sentence names a
past span (“十四五”时期, 过去五年): then a yearly average, a change or a flow
covers that span, and a level reached is the span's last year.
"""

from __future__ import annotations

import bisect
import regex
from spacy.language import Language

from gwr.schemas import resolve_unit

from . import periods
from .clauses import CLAUSE, _SENTENCE_END, trim
from .commitments import split_enumeration
from .indicators import bare_predicate, flow_left_behind, flow_missing, named_rules, words
from .lexicon import IndicatorRule, lexicon
from .model import Analysis, CommitmentMatch, Heading, OutcomeMatch, Paragraph
from .quantities import classify, find_quantities
from .stage import Stage

_HAN = regex.compile(r"\p{Han}")


def _fits_result(rule: IndicatorRule, kind: str, base: str) -> bool:
    if rule.kind in ("any", kind) and (not rule.units or base in rule.units):
        return True
    return kind == "change" and rule.id in words().change_ok and base in ("percent", "pp")


def outcome_indicator(subject: str, kind: str, base: str, own: str | None = None) -> str | None:
    """The indicator whose result a number of this kind and unit is, named in `subject`; `own`: the
    item's own words before its number when it inherits `subject` (a bare predicate)."""
    for rule in named_rules(subject):
        if not _fits_result(rule, kind, base):
            continue
        if rule.id in words().never:
            return None
        if flow_missing(rule.id, subject):
            return None  # 高新技术企业增至3.5万家: a stock, not the new firms the id counts
        if own is not None and flow_left_behind(rule.id, subject, own):
            return None  # 经营主体净增10万户、突破500万户: 净增 was the first number's predicate; the second is a stock
        return rule.id
    return None


class _Context:
    """The past span a review part, paragraph or sentence is about (None: last year).

    A paragraph that opens by naming a past span (过去的五年极不寻常, 五年来，…) sets it for
    itself and the paragraphs after it in its section, until one opens by naming last year
    (刚刚过去的2025年…); a clause that names one sets it for the rest of its sentence.
    """

    def __init__(self, year: int, heading_span):
        self.year = year
        self.paragraph = heading_span
        self.sentence = None
        self.first = True

    def new_paragraph(self) -> None:
        self.sentence = None
        self.first = True

    def clause(self, clause: str, closing: str):
        if periods.may_name(clause):  # else it names no span and not last year
            found = periods.mentions(clause, self.year)
            named = periods.behind(clause, self.year, found)
            if named is not None:
                self.sentence = named
                if self.first:
                    self.paragraph = named
            elif _names_last(clause, self.year, found):
                self.sentence = "last"
                if self.first:
                    self.paragraph = None
        found = self.sentence if self.sentence is not None else self.paragraph
        if not closing or closing in _SENTENCE_END:
            self.sentence = None
            self.first = False
        return None if found == "last" else found


def _review_paragraphs(a: Analysis) -> list[tuple[Paragraph, int, Heading | None]]:
    """(paragraph, start index, section) of the review sections and the preamble."""
    starts = [h.start for h in a.headings]
    regions = {id(r.paragraph) for r in a.regions}
    noise = {s for _, s, _ in a.noise}
    title = a.title[0] if a.title else -1
    out = []
    for p in a.paragraphs:
        k = bisect.bisect_right(starts, p.start) - 1
        h = a.headings[k] if k >= 0 else None
        if id(p) in regions or p.start in noise or p.start == title:
            continue
        if h is not None and h.role != "review":
            continue
        start = 0
        if h is not None and h.start == p.start:
            start = h.end - p.start
        if start < len(p.text):
            out.append((p, start, h))
    return out


class _Subject:
    """The last stretch of the sentence so far that named an indicator, which a bare predicate (增长5.2%)
    inherits. A clause with no number is only a candidate: whether it names an indicator is asked when a
    bare predicate needs it (most sentences never do)."""

    __slots__ = ("text", "value", "pending")

    def __init__(self, text: str):
        self.text, self.value, self.pending = text, "", []

    def clear(self) -> None:
        self.value, self.pending = "", []

    def set(self, value: str) -> None:
        self.value, self.pending = value, []

    def candidate(self, lo: int, hi: int) -> None:
        self.pending.append((lo, hi))

    def get(self) -> str:
        if self.pending:
            named = lexicon().indicator_any
            for lo, hi in reversed(self.pending):  # the latest that names one wins
                if named.search(self.text[lo:hi]):
                    self.value = self.text[lo:hi]
                    break
            self.pending = []
        return self.value


def find_outcomes(a: Analysis, p: Paragraph, start: int, h: Heading | None, context: _Context
                  ) -> list[OutcomeMatch]:
    text = p.text
    context.new_paragraph()
    found: list[OutcomeMatch] = []
    subject = _Subject(text)
    lex = lexicon()
    anywhere = lex.indicator_anywhere
    for m in CLAUSE.finditer(text, start):
        lo, hi = trim(text, m.start(), m.end())
        closing = text[m.end():m.end() + 1]
        span = context.clause(text[lo:hi], closing)
        numeral = hi > lo and lex.number_start.search(text, lo, hi) is not None  # else no quantity in it
        # numbers, but no part of the clause names an indicator and there is no subject to inherit: none
        # of its items can state an outcome or set a subject, nor can the clause be a subject
        passed_over = (numeral and anywhere is not None and not subject.get()
                       and anywhere.search(text, lo, hi) is None)
        if hi > lo and not passed_over:
            quantities = find_quantities(text, lo, hi) if numeral else []
            if quantities:
                c = CommitmentMatch(*p.span(lo, hi), text[lo:hi], h.id if h else None, False, para=p, lo=lo, hi=hi,
                                    quantities=quantities)
                classify(text, c)
                # 分别增长4.3%、5.5%: the numbers of one subject's parts, one outcome
                items = [c] if "分别" in c.text else split_enumeration(c)
                for item in items:
                    _item_outcomes(a, item, span, subject, found, context.paragraph)
            else:
                subject.candidate(lo, hi)
        if not closing or closing in _SENTENCE_END:
            subject.clear()
    return found


def _item_outcomes(a: Analysis, item: CommitmentMatch, span, subject: _Subject, found: list[OutcomeMatch],
                   part_span=None) -> None:
    """Outcomes of one item; it sets the subject the next item may inherit.

    `span`: the past span the clause is about (None: last year); `part_span`: the one its paragraph or
    section is about, which a yearly average takes when its sentence names last year alone (五年来，…。
    2025年地区生产总值达到1.2万亿元、年均增长6%: an average over the five years, not over 2025)."""
    text = item.para.text
    first = min(q.lo for q in item.quantities) if item.quantities else item.hi
    own = text[item.lo:first]
    if lexicon().indicator_any.search(own):
        subject.set(own)
        current = own
    elif not bare_predicate(own):
        if _HAN.search(own):
            subject.clear()
        return
    else:
        current = subject.get()
    year = a.year
    chosen = []
    for q in item.quantities:
        before = text[item.lo:q.lo]
        if words().comparison.search(before[-12:]):
            continue
        base = resolve_unit(q.unit)[0].base_unit
        if current is own:
            indicator = outcome_indicator(before, q.kind, base)
        else:  # a bare predicate: the subject is inherited
            indicator = outcome_indicator(current, q.kind, base, own=before)
        if indicator is not None:
            chosen.append((q, indicator))
    if not chosen:
        return
    if "分别" not in text[item.lo:item.hi]:
        chosen = chosen[-1:]  # 由X提高到Y: the value reached
    q, indicator = chosen[-1]
    quantities = [c for c, ind in chosen if ind == indicator]
    # over a past span: a change, a yearly average or a total covers it; a level reached is its last year
    over_span = (q.kind == "change" or q.per_year == "always" or indicator in words().totals
                 or bool(words().total_word.search(text[item.lo:q.lo])))
    if span is None and q.per_year == "always":
        span = part_span
    period = span if span is not None and over_span else (year - 1, year - 1)
    found.append(OutcomeMatch(item.start, item.end, item.text, item.section, indicator, period, item.para,
                              quantities))


def analyse_outcomes(a: Analysis, doc=None) -> None:
    if a.year is None:
        return
    spans = {h.id: periods.behind(h.title, a.year) if not _names_last(h.title, a.year) else None
             for h in a.headings}
    contexts: dict[str | None, _Context] = {}
    for p, start, h in _review_paragraphs(a):
        key = h.id if h else None
        if key not in contexts:  # a sub-section starts from its parent's span (or its own heading's)
            parent = contexts.get(h.parent) if h is not None and h.parent else None
            own = spans.get(key) if h else None
            contexts[key] = _Context(a.year, own if own is not None else (parent.paragraph if parent else None))
        a.outcomes.extend(find_outcomes(a, p, start, h, contexts[key]))


def _names_last(text: str, year: int, found: list | None = None) -> bool:
    """The stretch names last year (去年, 这一年, or the year written)."""
    return f"{year - 1}年" in text or any(k == "last" for _, k, _ in
                                         (found if found is not None else periods.mentions(text, year)))


@Language.factory("gwr_outcomes")
def make_outcomes(nlp: Language, name: str) -> Stage:
    return Stage(analyse_outcomes)
