"""Indicators stage: a canonical indicator id when a commitment targets one for the whole
place (ANNOTATION.md §4 `indicator`), from the phrasings in `data/indicator_patterns.tsv`.

An id is set when the clause, before its first target quantity, names the
indicator and a target quantity fits the indicator's kind and unit; in the
main-targets paragraph a clause with no number may carry its id too
(居民收入增长与经济增长同步 -> income_growth).
"""

from __future__ import annotations

from spacy.language import Language

from schemas import resolve_unit

from .lexicon import IndicatorRule, lexicon
from .model import Analysis, CommitmentMatch
from .stage import Stage


def _fits(rule: IndicatorRule, c: CommitmentMatch) -> bool:
    targets = [q for q in c.quantities if q.role == "target"]
    if not targets:
        return c.targets
    for q in targets:
        base = resolve_unit(q.unit)[0].base_unit
        if (rule.kind in ("any", q.kind)) and (not rule.units or base in rule.units):
            return True
    return False


def indicator_of(c: CommitmentMatch, inherited: str = "") -> str | None:
    """The indicator the clause targets; `inherited` is the subject of the clause before it in its
    sentence, which a clause with a bare predicate takes (地区生产总值达到240亿元，同比增长21% -> the
    second clause is GDP growth)."""
    text = c.para.text
    first = min([q.lo for q in c.quantities if q.role == "target"], default=c.hi)
    subject = text[c.lo:first]
    if inherited and c.quantities and bare_predicate(subject):
        subject = inherited + subject
    from .outcomes import flow_missing, part_of_place

    if not lexicon().indicator_any.search(subject) or part_of_place(subject):
        return None  # 城市副中心和平原新城地区生产总值年均增长5%以上: a part of the place
    named = [rule for rule in lexicon().indicators
             if rule.pattern.search(subject) and not (rule.exclude and rule.exclude.search(subject))]
    fitting = [rule.id for rule in named if _fits(rule, c)
               and not (has_quantity(c) and flow_missing(rule.id, subject))]  # 高新技术企业突破5900家: a stock
    if not fitting:
        return None
    has_target = any(q.role == "target" for q in c.quantities)
    if not has_target and len({rule.pattern.search(subject).start() for rule in named}) > 1:
        return None  # 城镇新增就业人数、城镇登记失业率…完成目标: several indicators, none alone
    return fitting[0]


def has_quantity(c: CommitmentMatch) -> bool:
    return any(q.role == "target" for q in c.quantities)


def bare_predicate(subject: str) -> bool:
    """Only predicate words stand before the number (同比增长, 比上年增长): the subject is elided."""
    from .outcomes import words

    return bool(words().bare.match(subject))


def subject_of(c: CommitmentMatch) -> str:
    first = min([q.lo for q in c.quantities], default=c.hi)
    return c.para.text[c.lo:first]


def analyse_indicators(a: Analysis, doc=None) -> None:
    before: CommitmentMatch | None = None
    for c in a.commitments:
        same_sentence = (before is not None and before.para is c.para and before.hi <= c.lo
                         and not any(ch in "。；;！？!?" for ch in c.para.text[before.hi:c.lo]))
        inherited = subject_of(before) if same_sentence and before.indicator else ""
        c.indicator = indicator_of(c, inherited)
        before = c


@Language.factory("gwr_indicators")
def make_indicators(nlp: Language, name: str) -> Stage:
    return Stage(analyse_indicators)
