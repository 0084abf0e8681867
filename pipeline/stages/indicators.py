"""Indicators stage: a canonical indicator id when a commitment targets one for the whole
place (ANNOTATION.md §4 `indicator`), from the phrasings in `data/indicator_patterns.tsv`.

An id is set when the clause, before its first target quantity, names the
indicator and a target quantity fits the indicator's kind and unit; in the
main-targets paragraph a clause with no number may carry its id too
(居民收入增长与经济增长同步 -> income_growth).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex
from spacy.language import Language

from gwr.schemas import resolve_unit
from gwr.schemas.vocabulary import read_tsv

from .lexicon import IndicatorRule, lexicon
from .model import Analysis, CommitmentMatch
from .stage import Stage


@dataclass(frozen=True)
class OutcomeWords:
    """What a subject says about an indicator, for targets (this stage) and results (the outcomes stage):
    bare predicates, comparisons, flows, parts of the place (`data/outcome_words.tsv`)."""

    bare: regex.Pattern
    comparison: regex.Pattern
    flows: dict[str, regex.Pattern]
    change_ok: frozenset[str]
    totals: frozenset[str]
    total_word: regex.Pattern
    never: frozenset[str]
    part: regex.Pattern


@functools.cache
def words() -> OutcomeWords:
    rows = read_tsv("outcome_words.tsv", 2, package="gwr", optional=1, patterns=(1, 2), choices={0: (
        "bare", "comparison", "flow", "change_ok", "total", "total_word", "none", "part")})
    bare = sorted((r[1] for r in rows if r[0] == "bare"), key=len, reverse=True)
    change_words = sorted(lexicon().change_kind, key=len, reverse=True)
    return OutcomeWords(
        bare=regex.compile("^(?:" + "|".join(map(regex.escape, bare + change_words)) + r"|[\s，、,])*$"),
        comparison=regex.compile("|".join(f"(?:{r[1]})" for r in rows if r[0] == "comparison")),
        flows={r[1]: regex.compile(r[2]) for r in rows if r[0] == "flow"},
        change_ok=frozenset(r[1] for r in rows if r[0] == "change_ok"),
        totals=frozenset(r[1] for r in rows if r[0] == "total"),
        total_word=regex.compile("|".join(f"(?:{r[1]})" for r in rows if r[0] == "total_word")),
        never=frozenset(r[1] for r in rows if r[0] == "none"),
        part=regex.compile("|".join(f"(?:{r[1]})" for r in rows if r[0] == "part")),
    )


def part_of_place(subject: str) -> bool:
    """The subject names a part of the place (脱贫地区, 主城区, 城市副中心…), not the whole."""
    return bool(words().part.search(subject))


def flow_missing(indicator: str, subject: str) -> bool:
    """An id that counts new things (high_tech_firms) with no flow word (新增) in the subject: a stock."""
    flow = words().flows.get(indicator)
    return flow is not None and not flow.search(subject)


def flow_left_behind(indicator: str, inherited: str, own: str) -> bool:
    """A bare predicate whose inherited subject ends in a flow word of the id, with no flow word of its own
    (经营主体净增10万户、突破500万户): the flow was the predicate of the number before, so this one is a stock.
    A flow word inside the indicator's name (城镇新增就业…，达到12万人) does not end the subject."""
    flow = words().flows.get(indicator)
    if flow is None or flow.search(own):
        return False
    end = len(inherited.rstrip())
    return any(m.end() == end for m in flow.finditer(inherited))


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
    has_target = any(q.role == "target" for q in c.quantities)
    if not has_target and not c.targets:
        return None  # no rule fits a clause with no target outside the targets paragraph (`_fits`)
    text = c.para.text
    first = min([q.lo for q in c.quantities if q.role == "target"], default=c.hi)
    subject = own = text[c.lo:first]
    took = bool(inherited and c.quantities and bare_predicate(subject))
    if took:
        subject = inherited + subject
    named = named_rules(subject)
    fitting = [rule.id for rule in named if _fits(rule, c)
               and not (has_target and flow_missing(rule.id, subject))  # 高新技术企业突破5900家: a stock
               and not (took and flow_left_behind(rule.id, inherited, own))]
    if not fitting:
        return None
    if not has_target and len({rule.pattern.search(subject).start() for rule in named}) > 1:
        return None  # 城镇新增就业人数、城镇登记失业率…完成目标: several indicators, none alone
    return fitting[0]


def named_rules(subject: str) -> list[IndicatorRule]:
    """The indicator rules a subject names, in the table's order; none for a part of the place
    (城市副中心和平原新城地区生产总值…), for targets and results alike."""
    if not lexicon().indicator_any.search(subject) or part_of_place(subject):
        return []
    return [rule for rule in lexicon().indicators
            if rule.pattern.search(subject) and not (rule.exclude and rule.exclude.search(subject))]


def bare_predicate(subject: str) -> bool:
    """Only predicate words stand before the number (同比增长, 比上年增长): the subject is elided."""
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
